import { RevocationCache } from '@latchkey/access-guards';
import type { ClientSummary, IssuanceRepository } from '@latchkey/issuer/data-access';
import { IssuerError } from '../issue/issuer.errors';
import type { ClientBlockDirectory } from './client-block-directory';
import type { IsvAuthenticator } from './isv-authenticator';
import { ManageClientBlocksUseCase } from './manage-client-blocks.use-case';

const RESOURCE = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face-one';

const REVOKED_AT = '2026-11-30T10:00:00.000Z';

function setUp(clients: ClientSummary[] = []) {
  const block = jest.fn<Promise<void>, [string, string, string | null]>().mockResolvedValue(undefined);
  const authenticator = { authenticate: jest.fn().mockResolvedValue({ id: 'isv-a' }) } as unknown as IsvAuthenticator;
  const blocks = { block, unblock: jest.fn().mockResolvedValue(undefined) } as unknown as ClientBlockDirectory;
  const issuances = { clientsOf: jest.fn().mockResolvedValue(clients) } as unknown as IssuanceRepository;
  const revocations = new RevocationCache();
  const useCase = new ManageClientBlocksUseCase(authenticator, issuances, blocks, revocations);
  const revoke = (action: 'revoke' | 'reinstate') =>
    revocations.apply({
      subject: { kind: 'isv-client', isvId: 'isv-a', resourceId: RESOURCE },
      notBefore: REVOKED_AT,
      action,
      reason: 'ABUSE.TEST',
      alertId: null,
      actor: 'detector',
    });
  return { useCase, block, revoke };
}

describe('ManageClientBlocksUseCase.block', () => {
  it('stores a reason of up to 500 characters exactly as sent, and no reason as null', async () => {
    const { useCase, block } = setUp();
    await useCase.block('key', RESOURCE, 'r'.repeat(500));
    await useCase.block('key', RESOURCE, undefined);
    expect(block.mock.calls.map((call) => call[2])).toEqual(['r'.repeat(500), null]);
  });

  it.each([
    ['a 501-character reason', 'r'.repeat(501), 'reason is longer than 500 characters.'],
    ['a 100,000-character reason', 'r'.repeat(100_000), 'reason is longer than 500 characters.'],
    ['a NUL in the reason', 'a\u0000b', 'reason contains control characters.'],
    ['a reason that is not a string', 42, 'reason must be a string.'],
  ])('refuses %s with InvalidRequestBody and stores nothing', async (_what, reason, message) => {
    const { useCase, block } = setUp();
    const refused = await useCase.block('key', RESOURCE, reason).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IssuerError);
    expect(refused).toMatchObject({ code: 'ISSUER.BODY_INVALID', message });
    expect(block).not.toHaveBeenCalled();
  });
});

describe('ManageClientBlocksUseCase and a platform revocation', () => {
  it('answers unblock of a revoked client with revoked: true and when, not as issuable', async () => {
    const { useCase, revoke } = setUp();
    revoke('revoke');
    expect(await useCase.unblock('key', RESOURCE)).toEqual({ resourceId: RESOURCE, blocked: false, revoked: true, revokedAt: REVOKED_AT });
  });

  it('lists a revoked client as revoked, independent of the ISV own block', async () => {
    const { useCase, revoke } = setUp([{ resourceId: RESOURCE, blocked: false, issuedSince: 3, lastIssuedAt: null }]);
    revoke('revoke');
    expect((await useCase.list('key', new Date())).clients).toEqual([
      { resourceId: RESOURCE, blocked: false, revoked: true, revokedAt: REVOKED_AT, issuedSince: 3, lastIssuedAt: null },
    ]);
  });

  it('shows a client as not revoked once the platform reinstated it, and when never revoked', async () => {
    const { useCase, revoke } = setUp();
    expect(await useCase.unblock('key', RESOURCE)).toMatchObject({ revoked: false, revokedAt: null });
    revoke('revoke');
    revoke('reinstate');
    expect(await useCase.unblock('key', RESOURCE)).toMatchObject({ revoked: false, revokedAt: null });
  });
});
