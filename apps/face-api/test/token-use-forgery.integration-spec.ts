import { createPublicKey, randomUUID } from 'node:crypto';
import { FEATURE_FLAGS, LAT_TYP } from '@latchkey/contracts';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { CountingServer } from './support/counting-server';
import { expectLatRefusal, GatedFaceApi, type ClientResource } from './support/gated-face-api';
import { IssuerProcess, TEST_USER_AGENT, type OnboardedIsv } from './support/issuer-process';
import { attackerKey, decodeJws, segment, signEdDsa, signHs256, type AttackerKey } from './support/jwt-forgery';

const ISSUER_URL = 'https://sts.token-use.test';
/** Far enough past the verifier's 5 s tolerance, and past a 60 s token's whole life. */
const CLOCK_OFF_MS = 180_000;

/**
 * Tokens the real issuer never issued, or issued for something else, presented to the face-api with a
 * genuine client key: forged headers and signatures, altered payloads, the wrong token type, another `iss`,
 * and tokens outside their validity window. Every one is refused with its own rule, and none makes the
 * face-api fetch anything from where the token points.
 *
 * Expired and not-yet-valid tokens come from the real issuer too, run as replicas on the same database (so
 * with the same signing key) on hosts whose clocks are 3 minutes behind or ahead (libs/service-testing skewed-clock.ts).
 * Waiting out a real 60 s token would cost a minute per run, and re-signing a token with changed times needs
 * the issuer's private key. The tolerance boundaries, to the second, are the unit specs' (limited-access-token
 * .verifier.spec.ts in libs/access-guards, limited-access-token.spec.ts in libs/tokens).
 */
describeWithInfrastructure('LimitedAccessToken forgeries at the face-api, against the real issuer process (real Kafka and PostgreSQL)', () => {
  let issuer: IssuerProcess;
  let elsewhere: IssuerProcess;
  let behind: IssuerProcess;
  let ahead: IssuerProcess;
  let face: GatedFaceApi;
  let door: ClientResource;
  let isv: OnboardedIsv;
  let attacker: AttackerKey;
  /** Where forged headers point: it serves the attacker's key set, and counts. */
  let trap: CountingServer;
  /** A genuine token with Face.Identification only, the template of every alteration. */
  let genuine: string;
  let issuerKid: string;

  const identify = (token: string) => face.gated('identify', door.subscriptionKey, token);
  const refused = async (token: string, inner: string, op: 'identify' | 'findsimilars' = 'identify') =>
    expectLatRefusal(await face.gated(op, door.subscriptionKey, token), 401, 'Unauthorized', inner, [
      token,
      door.subscriptionKey,
      isv.subscriptionKey,
    ]);
  const claims = () => decodeJws(genuine).payload;

  beforeAll(async () => {
    attacker = attackerKey();
    trap = await CountingServer.start({ keys: [attacker.publicJwk] });
    issuer = await IssuerProcess.start(ISSUER_URL);
    [face, elsewhere, behind, ahead] = await Promise.all([
      GatedFaceApi.start(issuer),
      issuer.replica({ issuerUrl: 'https://sts.elsewhere.test' }),
      issuer.replica({ clockSkewMs: -CLOCK_OFF_MS }),
      issuer.replica({ clockSkewMs: CLOCK_OFF_MS }),
    ]);
    door = await face.createClientResource('door-forgery');
    // Its own resource is the door's, so that its at+jwt differs from a LAT for the door in its type alone.
    isv = await issuer.onboardIsv(`isv-tu-${randomUUID().slice(0, 8)}`, FEATURE_FLAGS, door.resourceId);
    genuine = await issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });
    issuerKid = String(decodeJws(genuine).header['kid']);
  }, 120_000);

  afterAll(async () => {
    await face?.stop();
    if (issuer) expect(await issuer.stop()).toBe(0);
    await trap?.close();
  });

  it('serves the genuine token, over inject and over a real socket (the baseline every refusal is measured against)', async () => {
    expect((await identify(genuine)).statusCode).toBe(200);
    expect((await face.gatedOverSocket('identify', door.subscriptionKey, { LimitedAccessToken: `Bearer ${genuine}` })).statusCode).toBe(200);
  });

  describe('the LimitedAccessToken header', () => {
    it('refuses two LimitedAccessToken headers sent over a real socket, even both genuine: 401 LimitedAccessTokenHeaderInvalid', async () => {
      const other = await issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });
      for (const pair of [
        [`Bearer ${genuine}`, `Bearer ${other}`],
        [`Bearer ${genuine}`, `Bearer ${genuine}`],
      ]) {
        const answer = await face.gatedOverSocket('identify', door.subscriptionKey, { LimitedAccessToken: pair });
        expectLatRefusal(answer, 401, 'Unauthorized', 'LimitedAccessTokenHeaderInvalid', [genuine, other]);
      }
    });

    it.each([
      ['the scheme in lower case', (t: string) => `bearer ${t}`],
      ['two spaces', (t: string) => `Bearer  ${t}`],
      ['no scheme', (t: string) => t],
      ['a second token', (t: string) => `Bearer ${t} ${t}`],
    ])('refuses %s: 401 LimitedAccessTokenHeaderInvalid', async (_case, header) => {
      expectLatRefusal(
        await face.gated('identify', door.subscriptionKey, undefined, { limitedaccesstoken: header(genuine) }),
        401,
        'Unauthorized',
        'LimitedAccessTokenHeaderInvalid',
        [genuine],
      );
    });
  });

  describe('forged signatures and headers', () => {
    it('refuses a token signed by a key the issuer never published: 401 TokenSigningKeyUnknown, fetching nothing from the attacker', async () => {
      await refused(signEdDsa(attacker, { alg: 'EdDSA', typ: LAT_TYP, kid: attacker.kid }, claims()), 'TokenSigningKeyUnknown');
      expect(trap.requested).toEqual([]);
    });

    it('answers a burst of tokens naming made-up kids with at most one JWKS fetch per cooldown: forged kids cannot hammer the issuer', async () => {
      /** The face-api's JWKS requests, as the issuer logged them (the test's own carry TEST_USER_AGENT). */
      const fetches = () =>
        issuer
          .logs()
          .split('\n')
          .filter((l) => l.includes('"url":"/.well-known/jwks.json"') && !l.includes(TEST_USER_AGENT));
      const settled = async () => {
        // A request of the test's own, logged after every earlier one: then the log holds all of those.
        const marker = `${TEST_USER_AGENT} ${randomUUID()}`;
        await issuer.request('GET', '/.well-known/jwks.json', { headers: { 'user-agent': marker } });
        await eventually(() => issuer.logs().includes(marker), { what: 'the issuer logged the marker request' });
      };
      await settled();
      const before = fetches().length;
      expect(before).toBeGreaterThanOrEqual(1); // the face-api's fetch at start: the filter does see its requests
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        const stranger = attackerKey();
        await refused(signEdDsa(stranger, { alg: 'EdDSA', typ: LAT_TYP, kid: stranger.kid }, claims()), 'TokenSigningKeyUnknown');
      }
      const cooldowns = Math.ceil((Date.now() - started) / 1000); // LATCHKEY_LAT_JWKS_COOLDOWN_MS is 1000 here
      await settled();
      expect(fetches().length - before).toBeLessThanOrEqual(cooldowns);
    });

    it.each(['none', 'None', 'NONE', 'nOnE'])(
      'refuses an unsecured token (alg %j): TokenMalformed without a signature, TokenSignatureInvalid with one',
      async (alg) => {
        const unsecured = `${segment({ alg, typ: LAT_TYP, kid: issuerKid })}.${segment(claims())}`;
        await refused(`${unsecured}.`, 'TokenMalformed');
        await refused(`${unsecured}.c2lnbmF0dXJl`, 'TokenSignatureInvalid');
      },
    );

    it.each<[string, () => Promise<Buffer>]>([
      ['public JWK as JSON', async () => Buffer.from(JSON.stringify(await issuerJwk()))],
      ['raw public key', async () => Buffer.from((await issuerJwk()).x ?? '', 'base64url')],
      [
        'public key as SPKI PEM',
        async () => Buffer.from(createPublicKey({ key: await issuerJwk(), format: 'jwk' }).export({ type: 'spki', format: 'pem' })),
      ],
    ])("refuses HS256 keyed with the issuer's %s (algorithm confusion): 401 TokenSignatureInvalid", async (_form, secret) => {
      await refused(signHs256({ alg: 'HS256', typ: LAT_TYP, kid: issuerKid }, claims(), await secret()), 'TokenSignatureInvalid');
    });

    /** The issuer's published key, as anyone can fetch it. */
    async function issuerJwk(): Promise<{ kty: string; crv?: string; x?: string }> {
      const key = (await issuer.jwks()).keys.find((k) => k.kid === issuerKid);
      if (key === undefined) throw new Error('the genuine token’s key is not in the JWKS');
      return key;
    }

    it.each<[string, () => unknown]>([
      ['jku', () => `${trap.origin}/.well-known/jwks.json`],
      ['x5u', () => `${trap.origin}/attacker.pem`],
      ['jwk', () => attacker.publicJwk],
      ['x5c', () => ['MIIBszCCAVmgAwIBAgIUDGVzdA==']],
    ])('refuses a token whose %s header names the attacker’s key: 401 TokenMalformed, and nothing is fetched from it', async (parameter, value) => {
      for (const kid of [attacker.kid, issuerKid]) {
        await refused(signEdDsa(attacker, { alg: 'EdDSA', typ: LAT_TYP, kid, [parameter]: value() }, claims()), 'TokenMalformed');
      }
      expect(trap.requested).toEqual([]);
    });

    it('refuses a token whose crit names an extension nobody understands: 401 TokenMalformed (before any key is looked up)', async () => {
      await refused(
        signEdDsa(attacker, { alg: 'EdDSA', typ: LAT_TYP, kid: issuerKid, crit: ['x-latchkey-skip'], 'x-latchkey-skip': true }, claims()),
        'TokenMalformed',
      );
    });
  });

  describe('altered tokens', () => {
    it('refuses the genuine token with one more feature written into its payload: 401 TokenSignatureInvalid, not the feature', async () => {
      const [header, , signature] = decodeJws(genuine).segments;
      const widened = `${header}.${segment({ ...claims(), features: [...FEATURE_FLAGS] })}.${signature}`;
      await refused(widened, 'TokenSignatureInvalid', 'findsimilars');
      await refused(widened, 'TokenSignatureInvalid', 'identify');
    });

    it('refuses the genuine token with its signature stripped: TokenMalformed with the last dot, a header refusal without it', async () => {
      const [header, payload] = decodeJws(genuine).segments;
      await refused(`${header}.${payload}.`, 'TokenMalformed');
      await refused(`${header}.${payload}`, 'LimitedAccessTokenHeaderInvalid');
    });

    it('refuses a token over 8 KiB before parsing it: 401 TokenTooLarge, and follows none of its headers', async () => {
      const padded = signEdDsa(
        attacker,
        { alg: 'EdDSA', typ: LAT_TYP, kid: issuerKid, jku: trap.origin },
        { ...claims(), padding: 'x'.repeat(6_500) },
      );
      expect(padded.length).toBeGreaterThan(8 * 1024);
      await refused(padded, 'TokenTooLarge');
      expect(trap.requested).toEqual([]);
    });
  });

  describe('genuine tokens of the wrong kind, issuer or time', () => {
    it("refuses the issuer's own access token (issueToken, typ at+jwt) for this very resource: 401 TokenTypeInvalid", async () => {
      const accessToken = await issuer.issueAccessToken(isv.subscriptionKey);
      expect(decodeJws(accessToken).header['typ']).toBe('at+jwt');
      await refused(accessToken, 'TokenTypeInvalid');
    });

    it('refuses a token signed with the issuer’s key by a replica configured with another iss: 401 TokenIssuerInvalid', async () => {
      const token = await elsewhere.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });
      expect(decodeJws(token).header['kid']).toBe(issuerKid); // the same key: only `iss` tells them apart
      await refused(token, 'TokenIssuerInvalid');
    });

    it('refuses a 60 s token minted by a replica whose clock is 3 minutes behind: 401 TokenExpired', async () => {
      const token = await behind.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'], expiredTime: 60 });
      expect(Number(decodeJws(token).payload['exp']) * 1000).toBeLessThan(Date.now() - 60_000);
      await refused(token, 'TokenExpired');
    });

    it('refuses a token minted by a replica whose clock is 3 minutes ahead: 401 TokenNotYetValid', async () => {
      const token = await ahead.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Identification'] });
      expect(Number(decodeJws(token).payload['nbf']) * 1000).toBeGreaterThan(Date.now() + 60_000);
      await refused(token, 'TokenNotYetValid');
    });
  });

  it('fetched nothing, all along, from where forged tokens pointed', () => {
    expect(trap.hits).toBe(0);
  });
});
