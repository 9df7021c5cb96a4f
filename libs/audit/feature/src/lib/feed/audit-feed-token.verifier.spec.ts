import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJwks, generateSigningKey, KeyRing, signAuditFeedToken, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';
import { AuditFeedError } from './audit-feed.errors';
import { AuditFeedTokenVerifier } from './audit-feed-token.verifier';

const ISSUER = 'https://issuer.latchkey.test';
const NOW = new Date('2030-01-01T00:00:00Z');
const RESOURCE = '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-one';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuditFeedError) return error.code;
    throw error;
  }
  throw new Error('expected an AuditFeedError');
}

describe(AuditFeedTokenVerifier.name, () => {
  let key: SigningKey;
  let verifier: AuditFeedTokenVerifier;
  const feedToken = async (now = NOW, signer = key) => (await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now }, signer)).token;

  beforeAll(async () => {
    key = await generateSigningKey('EdDSA');
    verifier = new AuditFeedTokenVerifier({ keys: new KeyRing([{ key, status: 'active' }]).publicJwks(), issuer: ISSUER, now: () => NOW });
  });

  it('admits one Bearer feed token and names its ISV', async () => {
    await expect(verifier.verify([`Bearer ${await feedToken()}`])).resolves.toEqual({ isvId: 'isv-a', jti: expect.any(String) });
    await expect(verifier.verify([`bearer ${await feedToken()}`])).resolves.toMatchObject({ isvId: 'isv-a' });
  });

  it.each([
    ['no header', []],
    ['two headers', ['Bearer a.b.c', 'Bearer a.b.c']],
    ['another scheme', ['Basic dXNlcjpwYXNz']],
    ['a bare token', ['a.b.c']],
  ])('refuses %s as FEED_TOKEN_MISSING', async (_why, headers) => {
    expect(await codeOf(verifier.verify(headers))).toBe('AUDIT.FEED_TOKEN_MISSING');
  });

  it('refuses a limited access token as FEED_TOKEN_WRONG_TYPE', async () => {
    const lat = await signLimitedAccessToken(
      { issuer: ISSUER, isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Identification'], lifetimeSeconds: 600, now: NOW },
      key,
    );
    expect(await codeOf(verifier.verify([`Bearer ${lat.token}`]))).toBe('AUDIT.FEED_TOKEN_WRONG_TYPE');
  });

  it('refuses an expired token as FEED_TOKEN_EXPIRED', async () => {
    expect(await codeOf(verifier.verify([`Bearer ${await feedToken(new Date(NOW.getTime() - 310_000))}`]))).toBe('AUDIT.FEED_TOKEN_EXPIRED');
  });

  it('refuses a token of a key the issuer does not publish, and garbage, as FEED_TOKEN_INVALID, without echoing them', async () => {
    const stranger = await generateSigningKey('EdDSA');
    const forged = await feedToken(NOW, stranger);
    const error = await verifier.verify([`Bearer ${forged}`]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditFeedError);
    expect((error as AuditFeedError).code).toBe('AUDIT.FEED_TOKEN_INVALID');
    expect(JSON.stringify({ message: (error as Error).message, details: (error as AuditFeedError).details })).not.toContain(forged.split('.')[2]);
    expect(await codeOf(verifier.verify(['Bearer not-a-jwt']))).toBe('AUDIT.FEED_TOKEN_INVALID');
  });

  describe('with the issuer’s keys out of reach', () => {
    let server: Server;

    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(500).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers FEED_KEYS_UNAVAILABLE (503), never a pass nor a 401', async () => {
      const { port } = server.address() as AddressInfo;
      const remote = new AuditFeedTokenVerifier({ keys: createRemoteJwks(`http://127.0.0.1:${port}/jwks.json`), issuer: ISSUER, now: () => NOW });
      expect(await codeOf(remote.verify([`Bearer ${await feedToken()}`]))).toBe('AUDIT.FEED_KEYS_UNAVAILABLE');
    });
  });
});
