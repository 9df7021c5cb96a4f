import { RevocationCache } from '@latchkey/access-guards';
import type { ConfigOf } from '@latchkey/config';
import { AUDIT_FEED_AUDIENCE, ISV_CASES_AUDIENCE } from '@latchkey/contracts';
import type { Isv } from '@latchkey/issuer/data-access';
import { generateSigningKey, KeyRing, verifyAuditFeedToken, verifyIsvCasesToken, type SigningKey } from '@latchkey/tokens';
import { IssuerError } from '../issue/issuer.errors';
import type { issuerConfig } from '../issuer.config';
import type { IsvAuthenticator } from '../isv/isv-authenticator';
import type { SigningKeyService } from '../keys/signing-key.service';
import { IssueIsvTokenUseCase, type IsvTokenKind } from './issue-isv-token.use-case';

const ISSUER = 'https://issuer.latchkey.test';
const NOW = new Date('2030-01-01T00:00:00Z');
const ISV = { id: 'isv-a', status: 'suspended' } as Isv;

/** Knows one key, 'good-key', for ISV, and refuses the rest as the real authenticator would. */
const authenticator = {
  authenticate: async (key: string | undefined) => {
    if (!key) throw new IssuerError('ISSUER.KEY_MISSING', 'missing');
    if (key !== 'good-key') throw new IssuerError('ISSUER.KEY_INVALID', 'invalid');
    return ISV;
  },
} as unknown as IsvAuthenticator;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IssuerError) return error.code;
    throw error;
  }
  throw new Error('expected an IssuerError');
}

/** Each kind with the verifier of the service it is for, and the audience that verifier expects. */
const KINDS = [
  ['audit-feed', verifyAuditFeedToken, AUDIT_FEED_AUDIENCE],
  ['cases', verifyIsvCasesToken, ISV_CASES_AUDIENCE],
] as const satisfies readonly (readonly [IsvTokenKind, unknown, string])[];

describe.each(KINDS)(`${IssueIsvTokenUseCase.name} (%s)`, (kind, verify, audience) => {
  let key: SigningKey;
  let ring: KeyRing;
  let revocations: RevocationCache;
  let useCase: IssueIsvTokenUseCase;

  beforeAll(async () => {
    key = await generateSigningKey('EdDSA');
    ring = new KeyRing([{ key, status: 'active' }]);
  });

  beforeEach(() => {
    revocations = new RevocationCache();
    const keys = { current: () => ring } as unknown as SigningKeyService;
    const config = { LATCHKEY_ISSUER_URL: ISSUER } as ConfigOf<typeof issuerConfig>;
    useCase = new IssueIsvTokenUseCase(authenticator, revocations, keys, config, () => NOW);
  });

  it('grants a token for the key’s own ISV, even one not approved to issue', async () => {
    const grant = await useCase.execute(kind, 'good-key');
    expect(grant).toEqual({ token: expect.any(String), tokenType: 'Bearer', isvId: 'isv-a', expiresAt: '2030-01-01T00:05:00.000Z' });
    const { claims } = await verify(grant.token, { jwks: ring.publicJwks(), issuer: ISSUER, now: NOW });
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'isv-a', aud: audience });
  });

  it.each([
    ['no key', undefined, 'ISSUER.KEY_MISSING'],
    ['an unknown key', 'bad-key', 'ISSUER.KEY_INVALID'],
  ])('refuses %s', async (_why, presented, code) => {
    expect(await codeOf(useCase.execute(kind, presented))).toBe(code);
  });

  it('refuses a revoked ISV, and grants again once it is reinstated', async () => {
    const record = {
      subject: { kind: 'isv' as const, isvId: 'isv-a' },
      notBefore: NOW.toISOString(),
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'op',
    };
    revocations.apply({ ...record, action: 'revoke' });
    expect(await codeOf(useCase.execute(kind, 'good-key'))).toBe('ISSUER.ISV_REVOKED');
    revocations.apply({ ...record, action: 'reinstate' });
    await expect(useCase.execute(kind, 'good-key')).resolves.toMatchObject({ isvId: 'isv-a' });
  });
});
