import { createHash, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_FLAGS, type FeatureFlag } from '@latchkey/contracts';
import { AcknowledgedPublisher } from '@latchkey/messaging';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { createDpopProof } from '@latchkey/tokens';
import {
  expectLatRefusal,
  GATED,
  GatedFaceApi,
  RESOURCE_SERVER_URL,
  USER_AGENT,
  type ClientResource,
  type GatedOperation,
} from './support/gated-face-api';
import { IssuerProcess, type OnboardedIsv } from './support/issuer-process';
import { useOwnKafka, type OwnKafka } from './support/own-kafka';
import { decodeJws } from './support/jwt-forgery';
import { producerSwitch } from './support/producer-switch';
import { UseEventTap } from './support/use-event-tap';

/** The issuer's public URL (its `iss`); it listens elsewhere, on a port of its own choosing. */
const ISSUER_URL = 'https://sts.token-use.test';
const OPERATIONS = Object.keys(GATED) as GatedOperation[];

const jtiOf = (token: string): string => String(decodeJws(token).payload['jti']);

/** A client's DPoP key pair and its RFC 7638 thumbprint, computed here independently of the code under test. */
function dpopKey(): { privateKey: KeyObject; publicJwk: { kty: string; crv: string; x: string; alg: string }; jkt: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { crv = '', kty = '', x = '' } = publicKey.export({ format: 'jwk' });
  return {
    privateKey,
    publicJwk: { kty, crv, x, alg: 'EdDSA' },
    jkt: createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url'),
  };
}

/**
 * The gate end to end: an ISV gets tokens from the real issuer (its own process, driven over HTTP only) and a
 * client presents them to the face-api with its own resource key. Served uses and refusals reach Kafka as
 * `lat.used` / `lat.rejected`; a use that cannot be recorded is never served. Forged and altered tokens:
 * token-use-forgery.integration-spec.ts; revocations: token-use-revocation.integration-spec.ts.
 */
describeWithInfrastructure('LimitedAccessToken use at the face-api, tokens from the real issuer process (real Kafka and PostgreSQL)', () => {
  let kafka: OwnKafka | undefined;
  let issuer: IssuerProcess;
  let face: GatedFaceApi;
  let tap: UseEventTap;
  let a: ClientResource;
  let b: ClientResource;
  let isv: OnboardedIsv;

  const mint = (resource: ClientResource, features: readonly FeatureFlag[], dpop?: string) =>
    issuer.mint(isv.subscriptionKey, { resourceId: resource.armId, features, ...(dpop === undefined ? {} : { dpop }) });

  beforeAll(async () => {
    kafka = await useOwnKafka(); // empty topics: the tap reads this run's events, not every earlier run's
    const tapping = UseEventTap.start(); // joins its group while the services boot
    tapping.catch(() => undefined); // awaited below; meanwhile a failure must not count as unhandled
    issuer = await IssuerProcess.start(ISSUER_URL);
    face = await GatedFaceApi.start(issuer);
    [a, b, isv] = await Promise.all([
      face.createClientResource('door-a'),
      face.createClientResource('door-b'),
      issuer.onboardIsv(`isv-tu-${randomUUID().slice(0, 8)}`, FEATURE_FLAGS),
    ]);
    tap = await tapping;
  }, 120_000);

  afterAll(async () => {
    try {
      await tap?.stop();
      await face?.stop();
      if (issuer) expect(await issuer.stop()).toBe(0); // SIGTERM is a clean shutdown
    } finally {
      await kafka?.stop();
    }
  });

  describe('a token the issuer granted', () => {
    it.each(OPERATIONS)('serves %s with a token carrying its feature, and records lat.used on Kafka without the token', async (op) => {
      const { operation, feature } = GATED[op];
      const token = await mint(a, [feature]);
      // A forwarded-for header is the client's to write: the address recorded is the socket's (trustProxy off).
      const response = await face.gated(op, a.subscriptionKey, token, { 'x-forwarded-for': '203.0.113.9' });
      expect(response.statusCode).toBe(200);

      const [used] = await tap.usesOf(jtiOf(token));
      const { traceId, ...data } = used?.envelope.data ?? { traceId: null };
      expect(data).toEqual({
        jti: jtiOf(token),
        isvId: isv.id,
        resourceId: a.resourceId,
        operation,
        feature,
        outcome: 'served',
        clientIp: '127.0.0.1',
        userAgent: USER_AGENT,
      });
      if (traceId !== null) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(used?.raw).not.toContain(token);
      expect(used?.raw).not.toContain(token.split('.')[2]);
    });

    it('serves detect, which is not gated, on the key alone', async () => {
      const response = await face.service.handle.app.inject({
        method: 'POST',
        url: '/face/v1.0/detect',
        headers: { 'ocp-apim-subscription-key': a.subscriptionKey, 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'https://images.example.com/token-use/porch.jpg' }),
      });
      expect(response.statusCode).toBe(200);
    });

    it('records a user agent cut to 512 characters (the event schema’s bound), and still serves', async () => {
      const token = await mint(a, ['Face.Identification']);
      expect((await face.gated('identify', a.subscriptionKey, token, { 'user-agent': `door/${'x'.repeat(600)}` })).statusCode).toBe(200);
      const [used] = await tap.usesOf(jtiOf(token));
      expect(used?.envelope.data.userAgent).toBe(`door/${'x'.repeat(507)}`);
    });

    it('serves a token as many times as it is presented, each use its own lat.used', async () => {
      const token = await mint(a, ['Face.Identification']);
      for (let i = 0; i < 3; i++) expect((await face.gated('identify', a.subscriptionKey, token)).statusCode).toBe(200);
      expect(await tap.usesOf(jtiOf(token), 3)).toHaveLength(3);
    });
  });

  describe('refusals of a genuine token or of none', () => {
    it.each(OPERATIONS)("refuses %s without a token: 403 UnsupportedFeature (LimitedAccessTokenMissing), the vendor's answer", async (op) => {
      expectLatRefusal(await face.gated(op, a.subscriptionKey), 403, 'UnsupportedFeature', 'LimitedAccessTokenMissing', [a.subscriptionKey]);
      const { operation, feature } = GATED[op];
      const rejected = await tap.rejection(
        (r) => r.resourceId === a.resourceId && r.operation === operation && r.reason === 'LAT.MISSING',
        `lat.rejected LAT.MISSING of ${op}`,
      );
      expect(rejected.envelope.data).toMatchObject({ jti: null, isvId: null, feature, clientIp: '127.0.0.1', userAgent: USER_AGENT });
    });

    it("refuses a token of resource A presented with B's key: 403 PermissionDenied (TokenForAnotherResource)", async () => {
      const token = await mint(a, FEATURE_FLAGS);
      for (const op of OPERATIONS) {
        expectLatRefusal(await face.gated(op, b.subscriptionKey, token), 403, 'PermissionDenied', 'TokenForAnotherResource', [
          token,
          b.subscriptionKey,
        ]);
      }
      const rejected = await tap.rejection((r) => r.jti === jtiOf(token) && r.reason === 'LAT.WRONG_RESOURCE', 'lat.rejected LAT.WRONG_RESOURCE');
      // The resource is the one of the key that came with the request: the token's audience is only a claim.
      expect(rejected.envelope.data).toMatchObject({ isvId: isv.id, resourceId: b.resourceId });
    });

    it('refuses a token without the operation’s feature: 403 UnsupportedFeature (FeatureNotInToken), recorded as lat.rejected with the reason', async () => {
      const token = await mint(a, ['Face.Identification']);
      expectLatRefusal(await face.gated('verify', a.subscriptionKey, token), 403, 'UnsupportedFeature', 'FeatureNotInToken', [
        token,
        a.subscriptionKey,
      ]);
      expectLatRefusal(await face.gated('findsimilars', a.subscriptionKey, token), 403, 'UnsupportedFeature', 'FeatureNotInToken', [token]);

      const rejected = await tap.rejection((r) => r.jti === jtiOf(token) && r.operation === 'face.verify', 'lat.rejected of face.verify');
      expect(rejected.envelope.data).toEqual({
        jti: jtiOf(token),
        isvId: isv.id,
        resourceId: a.resourceId,
        operation: 'face.verify',
        feature: 'Face.Verification',
        reason: 'LAT.FEATURE_MISSING',
        clientIp: '127.0.0.1',
        userAgent: USER_AGENT,
        traceId: rejected.envelope.data.traceId,
      });
      expect(rejected.raw).not.toContain(token.split('.')[2]);
      await tap.rejection(
        (r) => r.jti === jtiOf(token) && r.operation === 'face.findsimilars' && r.reason === 'LAT.FEATURE_MISSING',
        'lat.rejected of findsimilars',
      );
      // The refusals served nothing: no lat.used for this token.
      expect(tap.used.filter((u) => u.envelope.data.jti === jtiOf(token))).toEqual([]);
    });
  });

  describe('a sender-constrained token (DPoP, cnf.jkt)', () => {
    const client = dpopKey();
    const htu = `${RESOURCE_SERVER_URL}/face/v1.0/identify`;
    let token: string;
    const proof = (key = client, url = htu, accessToken = token) => createDpopProof({ ...key, method: 'POST', url, accessToken });

    beforeAll(async () => {
      const issuance = await createDpopProof({ ...client, method: 'POST', url: `${ISSUER_URL}/sts/v1.0/issueLimitedAccessToken` });
      token = await mint(a, ['Face.Identification'], issuance);
      expect(decodeJws(token).payload['cnf']).toEqual({ jkt: client.jkt });
    });

    it('refuses it without a proof: 401 Unauthorized (DpopProofInvalid)', async () => {
      expectLatRefusal(await face.gated('identify', a.subscriptionKey, token), 401, 'Unauthorized', 'DpopProofInvalid', [token]);
    });

    it('refuses a proof made with another key, for the address the request reached (not the public URL), or for another token', async () => {
      const other = await mint(a, ['Face.Identification']);
      for (const dpop of [await proof(dpopKey()), await proof(client, `${face.url}/face/v1.0/identify`), await proof(client, htu, other)]) {
        expectLatRefusal(await face.gated('identify', a.subscriptionKey, token, { dpop }), 401, 'Unauthorized', 'DpopProofInvalid', [token, dpop]);
      }
    });

    it('serves it with a proof of the bound key for this request and token, and refuses that proof again: 401 DpopProofReplayed', async () => {
      const dpop = await proof();
      expect((await face.gated('identify', a.subscriptionKey, token, { dpop })).statusCode).toBe(200);
      expectLatRefusal(await face.gated('identify', a.subscriptionKey, token, { dpop }), 401, 'Unauthorized', 'DpopProofReplayed', [token, dpop]);
      // A fresh proof serves again: the token is bound, not spent.
      expect((await face.gated('identify', a.subscriptionKey, token, { dpop: await proof() })).statusCode).toBe(200);
    });

    it('serves one of two concurrent requests carrying the same proof, and refuses the other as replayed', async () => {
      const dpop = await proof();
      const answers = await Promise.all([1, 2].map(() => face.gated('identify', a.subscriptionKey, token, { dpop })));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401]);
      const replayed = answers.find((r) => r.statusCode === 401);
      if (replayed) expectLatRefusal(replayed, 401, 'Unauthorized', 'DpopProofReplayed', [token, dpop]);
    });

    it('serves it on a URL with a query string, which htu leaves out (RFC 9449 §4.3)', async () => {
      const response = await face.gated('identify', a.subscriptionKey, token, { dpop: await proof() }, '?returnRecognitionModel=true');
      expect(response.statusCode).toBe(200);
    });
  });

  describe('fail closed: a use that cannot be recorded is not served', () => {
    it('answers 503 ServiceUnavailable (UseNotRecordable) with Retry-After, never 200, while the producer is down and the spool disabled', async () => {
      const closed = await GatedFaceApi.start(issuer, { spoolMaxBytes: 0 });
      try {
        const door = await closed.createClientResource('door-no-spool');
        const token = await issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: FEATURE_FLAGS });
        expect((await closed.gated('identify', door.subscriptionKey, token)).statusCode).toBe(200); // the bus is up: served

        const producer = producerSwitch(closed.service.handle.app);
        await producer.off();
        expect(producer.connected()).toBe(false);
        for (let round = 0; round < 2; round++) {
          for (const op of OPERATIONS) {
            expectLatRefusal(await closed.gated(op, door.subscriptionKey, token), 503, 'ServiceUnavailable', 'UseNotRecordable', [
              token,
              door.subscriptionKey,
            ]);
          }
        }
        await producer.on();
        await eventually(async () => (await closed.gated('identify', door.subscriptionKey, token)).statusCode === 200, { what: 'served again' });
      } finally {
        await closed.stop();
      }
    });

    it('serves while the producer is down when the spool takes the use, and delivers the spooled lat.used once it reconnects', async () => {
      const spooling = await GatedFaceApi.start(issuer);
      try {
        const door = await spooling.createClientResource('door-spool');
        const token = await issuer.mint(isv.subscriptionKey, { resourceId: door.armId, features: ['Face.Verification'] });
        const producer = producerSwitch(spooling.service.handle.app);
        await producer.off();

        expect((await spooling.gated('verify', door.subscriptionKey, token)).statusCode).toBe(200);
        const publisher = spooling.service.handle.app.get(AcknowledgedPublisher);
        expect(publisher.health()).toMatchObject({ mode: 'spool', spoolEnabled: true, refused: 0 });
        expect(publisher.health().pendingEvents).toBeGreaterThanOrEqual(1);
        // On disk: the use (its jti), never the token.
        const files = await readdir(spooling.spoolDir);
        const spooled = (await Promise.all(files.map((f) => readFile(join(spooling.spoolDir, f), 'utf8')))).join('\n');
        expect(spooled).toContain(jtiOf(token));
        expect(spooled).not.toContain(token.split('.')[2]);

        await producer.on();
        const [used] = await tap.usesOf(jtiOf(token));
        expect(used?.envelope.data).toMatchObject({
          resourceId: door.resourceId,
          operation: 'face.verify',
          feature: 'Face.Verification',
          outcome: 'served',
        });
        await eventually(() => publisher.health().pendingEvents === 0, { what: 'spool drained' });
      } finally {
        await spooling.stop();
      }
    });
  });

  describe('logs', () => {
    const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;
    /** Where log lines hold a JWT (`<service> <method> <url>: <field>`), so that a failure shows where without repeating it. */
    const jwtLines = (lines: readonly string[]) =>
      lines
        .filter((l) => JWT.test(l))
        .map((l) => {
          const cut = l.replace(new RegExp(JWT, 'g'), '<JWT>');
          if (!l.startsWith('{')) return cut.slice(0, 200);
          const line = JSON.parse(l) as { name?: string; req?: { method?: string; url?: string } };
          const fields = [...cut.matchAll(/"([\w-]+)":"<JWT>"/g)].map(([, field]) => field);
          return `${line.name} ${line.req?.method} ${line.req?.url}: ${fields.join(', ')}`;
        });

    it('never holds a subscription key or a limited access token, in the face-api or the issuer', () => {
      const faceLogs = face.service.logs.map((l) => JSON.stringify(l));
      for (const secret of [a.subscriptionKey, b.subscriptionKey, isv.subscriptionKey, issuer.operatorKey, face.operatorKey]) {
        expect(faceLogs.join('\n')).not.toContain(secret);
        expect(issuer.logs()).not.toContain(secret);
      }
      const tokens = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g;
      const logged = [...faceLogs.join('\n').matchAll(tokens), ...issuer.logs().matchAll(tokens)].map(([jwt]) => decodeJws(jwt).header['typ']);
      expect(logged.filter((typ) => typ !== 'dpop+jwt')).toEqual([]);
    });

    // BUG (libs/http/src/lib/logging/http-logger.options.ts, REDACTED_LOG_PATHS): the `DPoP` request header is not
    // redacted, so every request carrying a proof logs that signed JWT whole in its "request completed" line, in
    // the face-api and in the issuer alike, against STYLE.md ("Log jti, ids and event ids, never a JWT or a key").
    // Replay caches are per instance, so for its 60 s a logged proof passes at any other replica, for whoever also
    // holds the token it names (`ath`). Fails until 'req.headers.dpop' joins the redacted paths.
    it('never holds a DPoP proof either (a JWT)', () => {
      expect({ faceApi: jwtLines(face.service.logs.map((l) => JSON.stringify(l))), issuer: jwtLines(issuer.logs().split('\n')) }).toEqual({
        faceApi: [],
        issuer: [],
      });
    });
  });
});
