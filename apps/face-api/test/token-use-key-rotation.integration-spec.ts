import { randomUUID } from 'node:crypto';
import { LAT_TYP } from '@latchkey/contracts';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { expectLatRefusal, GatedFaceApi, type ClientResource } from './support/gated-face-api';
import { IssuerProcess, type OnboardedIsv, type SigningKeyInfo } from './support/issuer-process';
import { attackerKey, decodeJws, signEdDsa } from './support/jwt-forgery';

const ISSUER_URL = 'https://sts.key-rotation.test';
/** The verifier's refetch cooldown, and the issuer's prepublish period: longer, as the issuer's docs require. */
const COOLDOWN_MS = 3000;
const PREPUBLISH_SECONDS = 6;

const kidOf = (token: string) => String(decodeJws(token).header['kid']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A signing-key rotation as a verifier meets it. The hard case: the verifier fetched the issuer's JWKS just
 * before the rotation, so for a whole cooldown it will not fetch again. A new key that signed at once would
 * have its first tokens refused there (401 TokenSigningKeyUnknown); the issuer therefore publishes the next key
 * LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS before it signs, longer than any cooldown.
 */
describeWithInfrastructure('signing-key rotation at the face-api: a new key is known before its first token', () => {
  let issuer: IssuerProcess;
  let face: GatedFaceApi;
  let door: ClientResource;
  let isv: OnboardedIsv;

  beforeAll(async () => {
    issuer = await IssuerProcess.start(ISSUER_URL, { LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS: String(PREPUBLISH_SECONDS) });
    face = await GatedFaceApi.start(issuer, { jwksCooldownMs: COOLDOWN_MS });
    [door, isv] = await Promise.all([
      face.createClientResource('door-rotation'),
      issuer.onboardIsv(`isv-rot-${randomUUID().slice(0, 8)}`, ['Face.Identification']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await face?.stop();
    if (issuer) expect(await issuer.stop()).toBe(0);
  });

  const mint = () => issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });

  it('serves the first token of a rotated key at once, although the verifier fetched the keys just before the rotation', async () => {
    const before = await mint();
    expect((await face.gated('identify', door.subscriptionKey, before)).statusCode).toBe(200);

    // Make the face-api fetch the JWKS now: a token naming a kid it does not know, once its cooldown since boot is over.
    await sleep(COOLDOWN_MS + 200);
    const stranger = attackerKey();
    const forged = signEdDsa(stranger, { alg: 'EdDSA', typ: LAT_TYP, kid: stranger.kid }, decodeJws(before).payload);
    expectLatRefusal(await face.gated('identify', door.subscriptionKey, forged), 401, 'Unauthorized', 'TokenSigningKeyUnknown', [forged]);
    const fetchedAt = Date.now();

    const next = await issuer.admin<SigningKeyInfo>('POST', '/signing-keys/rotate', 202);
    expect(next).toMatchObject({ status: 'next' });
    expect(Date.parse(next.activatesAt ?? '') - fetchedAt).toBeGreaterThan(COOLDOWN_MS);
    expect(kidOf(await mint())).toBe(kidOf(before)); // published, not signing

    const first = String(
      await eventually(async () => ((token) => (kidOf(token) === next.kid ? token : false))(await mint()), {
        timeoutMs: 30_000,
        what: 'the next key signs',
      }),
    );
    expect((await face.gated('identify', door.subscriptionKey, first)).statusCode).toBe(200);
    expect((await face.gated('identify', door.subscriptionKey, before)).statusCode).toBe(200); // the old key still verifies its tokens
    expect(await issuer.signingKeys()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kid: next.kid, status: 'active' }),
        expect.objectContaining({ kid: kidOf(before), status: 'retiring' }),
      ]),
    );
  });
});
