import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { IsvAdministration, IssuerModule } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { createDpopProof, verifyLimitedAccessToken, type PublicJwks } from '@latchkey/tokens';
import { issuerSecretsEnv, onboardIsv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/5b0f3a52-8d21-4c3e-9e57-1a2b3c4d5e6f/resourceGroups/Dpop-RG/providers/Microsoft.CognitiveServices/accounts/bound-client';
const ISSUER_URL = 'https://sts.example.test/latchkey';
const HTU = `${ISSUER_URL}/sts/v1.0/issueLimitedAccessToken`;

interface WireError {
  error: { code: string; innererror?: { code: string; message: string } };
}

/** A client's DPoP key pair, and its RFC 7638 thumbprint computed here, independently of the code under test. */
function clientKey(): { privateKey: KeyObject; publicJwk: { kty: string; crv: string; x: string; alg: string }; jkt: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const jkt = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
  return { privateKey, publicJwk: { ...jwk, alg: 'EdDSA' }, jkt };
}

describeWithInfrastructure('sender-constrained issuance: DPoP proofs on issueLimitedAccessToken (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  const ids = { optional: `isv-dpop-optional-${randomUUID()}`, required: `isv-dpop-required-${randomUUID()}` };
  const keys = { optional: '', required: '' };

  beforeAll(async () => {
    service = await startServiceUnderTest('issuer', IssuerModule, { env: { ...issuerSecretsEnv(), LATCHKEY_ISSUER_URL: ISSUER_URL } });
    keys.optional = await onboardIsv(service, { id: ids.optional, features: ['Face.Identification'] });
    keys.required = await onboardIsv(service, { id: ids.required, features: ['Face.Identification'] });
    await service.handle.app.get(IsvAdministration).requireDpop(ids.required, true);
  });

  afterAll(async () => {
    await service?.stop();
  });

  function issue(key: string, dpop?: string | string[], query = '') {
    return service.handle.app.inject({
      method: 'POST',
      url: `/sts/v1.0/issueLimitedAccessToken${query}`,
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': key, ...(dpop === undefined ? {} : { dpop }) },
      payload: JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags: ['Face.Identification'] }),
    });
  }

  async function jwks(): Promise<PublicJwks> {
    return (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
  }

  function expectRefusal(response: Awaited<ReturnType<typeof issue>>, inner: string): void {
    expect({ status: response.statusCode, body: response.json<WireError>() }).toMatchObject({
      status: 400,
      body: { error: { code: 'BadArgument', innererror: { code: inner } } },
    });
    expect(response.headers['x-ms-error-code']).toBe('BadArgument');
  }

  it('binds the token to the proof key (cnf.jkt), and records the binding with the issuance and its event', async () => {
    const client = clientKey();
    const response = await issue(keys.optional, await createDpopProof({ ...client, method: 'POST', url: HTU }));
    expect(response.statusCode).toBe(200);
    const verified = await verifyLimitedAccessToken(response.body, { jwks: await jwks(), issuer: ISSUER_URL, audience: CLIENT });
    expect(verified.claims.cnf).toEqual({ jkt: client.jkt });
    const [row] = await service.database.query<{ cnf_jkt: string }>('SELECT cnf_jkt FROM issuer.issuances WHERE jti = $1', [verified.claims.jti]);
    expect(row?.cnf_jkt).toBe(client.jkt);
    const events = await service.database.query<{ jkt: string }>(
      "SELECT envelope->'data'->>'cnfJkt' AS jkt FROM issuer.outbox WHERE topic = 'lat.issued' AND envelope->'data'->>'jti' = $1",
      [verified.claims.jti],
    );
    expect(events).toEqual([{ jkt: client.jkt }]);
  });

  it('issues an unbound token, as the vendor does, when an ISV that does not require DPoP sends no proof', async () => {
    const response = await issue(keys.optional);
    expect(response.statusCode).toBe(200);
    const verified = await verifyLimitedAccessToken(response.body, { jwks: await jwks(), issuer: ISSUER_URL, audience: CLIENT });
    expect(verified.claims.cnf).toBeUndefined();
  });

  it('refuses a replayed proof, and records the denial with its reason', async () => {
    const proof = await createDpopProof({ ...clientKey(), method: 'POST', url: HTU });
    expect((await issue(keys.optional, proof)).statusCode).toBe(200);
    const replay = await issue(keys.optional, proof);
    expectRefusal(replay, 'InvalidDpopProof');
    expect(replay.json<WireError>().error.innererror?.message).toMatch(/already used/);
    const denials = await service.database.query(
      "SELECT 1 FROM issuer.outbox WHERE topic = 'lat.issue-denied' AND envelope->'data'->>'isvId' = $1 AND envelope->'data'->>'reason' = 'ISSUER.DPOP_PROOF_INVALID'",
      [ids.optional],
    );
    expect(denials.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['for another URL (the Host the client chose, not the issuer URL)', { method: 'POST', url: 'http://localhost/sts/v1.0/issueLimitedAccessToken' }],
    ['for another method', { method: 'GET', url: HTU }],
    ['too old', { method: 'POST', url: HTU, iat: Math.floor(Date.now() / 1000) - 600 }],
    ['from the future', { method: 'POST', url: HTU, iat: Math.floor(Date.now() / 1000) + 600 }],
  ])('refuses a proof %s with 400 InvalidDpopProof and issues nothing', async (_, request) => {
    const response = await issue(keys.optional, await createDpopProof({ ...clientKey(), ...request }));
    expectRefusal(response, 'InvalidDpopProof');
    expect(response.body).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('refuses a malformed proof, an empty one and two proofs at once with 400 InvalidDpopProof', async () => {
    const one = await createDpopProof({ ...clientKey(), method: 'POST', url: HTU });
    const two = await createDpopProof({ ...clientKey(), method: 'POST', url: HTU });
    for (const dpop of ['not-a-jws', '', [one, two]]) expectRefusal(await issue(keys.optional, dpop), 'InvalidDpopProof');
  });

  it('requires a proof from an ISV that issues sender-constrained tokens only, and binds the tokens it issues', async () => {
    expectRefusal(await issue(keys.required), 'DpopProofRequired');
    const client = clientKey();
    const response = await issue(keys.required, await createDpopProof({ ...client, method: 'POST', url: HTU }));
    expect(response.statusCode).toBe(200);
    const verified = await verifyLimitedAccessToken(response.body, { jwks: await jwks(), issuer: ISSUER_URL, audience: CLIENT });
    expect(verified.claims.cnf).toEqual({ jkt: client.jkt });
  });

  it('reports the binding in a dry run (the query is not part of htu)', async () => {
    const client = clientKey();
    const response = await issue(keys.optional, await createDpopProof({ ...client, method: 'POST', url: `${HTU}?dryRun=true` }), '?dryRun=true');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: true, grant: { isvId: ids.optional, cnfJkt: client.jkt } });
  });
});
