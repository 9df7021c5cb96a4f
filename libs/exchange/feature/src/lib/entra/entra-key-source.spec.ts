import { EntraTestProvider, generateRsaSigningKey, handSignedToken, type EntraTokenVersion } from '@latchkey/exchange/testing';
import { METRICS, prometheusName, renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { parseScrape } from '@latchkey/testing';
import { EntraTokenValidator } from './entra-token.validator';
import type { EntraTokenError } from './entra-token.errors';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = '9a1b2c3d-0000-4000-8000-00000000beef';
const USER = '0b1c2d3e-4f50-4617-8899-aabbccddeeff';
const APP = '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d';
const AUDIENCE = 'api://latchkey';
const VERSIONS: readonly EntraTokenVersion[] = ['1.0', '2.0'];
const COOLDOWN_MS = 30_000;
const MAX_AGE_MS = 3_600_000;

let idp: EntraTestProvider;
let offsetMs = 0;

beforeEach(async () => {
  // A provider per test: key rotations and request counts stay with the test that made them.
  idp = await EntraTestProvider.start({ tenants: [TENANT, OTHER], audience: AUDIENCE });
  offsetMs = 0;
});
afterEach(() => idp.stop());

const validator = (tenants = idp.trustedTenants([TENANT])) =>
  new EntraTokenValidator({
    audiences: [AUDIENCE],
    tenants,
    keysCooldownMs: COOLDOWN_MS,
    keysMaxAgeMs: MAX_AGE_MS,
    now: () => new Date(Date.now() + offsetMs),
  });

const token = (version: EntraTokenVersion, tenant = TENANT) =>
  idp.accessToken({ tenant, version, oid: USER, appId: APP, scopes: ['Exchange.Read'], lifetimeSeconds: 86_400 });

async function refusal(validation: Promise<unknown>): Promise<EntraTokenError> {
  try {
    await validation;
  } catch (error) {
    return error as EntraTokenError;
  }
  throw new Error('the token was accepted');
}

describe('Entra signing keys', () => {
  describe.each(VERSIONS)('v%s', (version) => {
    it('fetches discovery and the JWKS once, then serves tokens from the cache', async () => {
      const v = validator();
      await v.validate(await token(version));
      await Promise.all(Array.from({ length: 10 }, async () => v.validate(await token(version))));
      expect(idp.requests(TENANT, version)).toEqual({ discovery: 1, jwks: 1 });
    });

    it('shares one fetch between concurrent first validations', async () => {
      const v = validator();
      const tokens = await Promise.all(Array.from({ length: 10 }, () => token(version)));
      await Promise.all(tokens.map((t) => v.validate(t)));
      expect(idp.requests(TENANT, version)).toEqual({ discovery: 1, jwks: 1 });
    });

    it('refreshes on an unknown kid at most once per cooldown', async () => {
      const v = validator();
      await v.validate(await token(version));
      await idp.rotateKeys(version);
      const rotated = await token(version);
      // Within the cooldown of the first fetch: no request, the kid is unknown.
      expect((await refusal(v.validate(rotated))).code).toBe('EXCHANGE.SIGNING_KEY_UNKNOWN');
      expect(idp.requests(TENANT, version).jwks).toBe(1);
      offsetMs = COOLDOWN_MS + 1000;
      await expect(v.validate(rotated)).resolves.toMatchObject({ objectId: USER });
      expect(idp.requests(TENANT, version).jwks).toBe(2);
    });

    it('fetches once for a burst of made-up kids, then answers from the cache', async () => {
      const v = validator();
      await v.validate(await token(version));
      offsetMs = COOLDOWN_MS + 1000;
      const rogue = generateRsaSigningKey();
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: idp.issuer(TENANT, version), tid: TENANT, aud: AUDIENCE, iat: now, exp: now + 600 };
      const made = Array.from({ length: 5 }, (_, i) => handSignedToken({ kid: `made-up-${i}` }, claims, { alg: 'RS256', key: rogue.privateKey }));
      const codes = await Promise.all(made.map(async (t) => (await refusal(v.validate(t))).code));
      expect(new Set(codes)).toEqual(new Set(['EXCHANGE.SIGNING_KEY_UNKNOWN']));
      expect(idp.requests(TENANT, version).jwks).toBe(2);
    });

    it('keeps the last good keys through an outage', async () => {
      const v = validator();
      await v.validate(await token(version));
      idp.outage(true);
      offsetMs = MAX_AGE_MS + 1000; // the keys are due for a refresh, which fails
      await expect(v.validate(await token(version))).resolves.toMatchObject({ objectId: USER });
      expect(idp.requests(TENANT, version).discovery).toBe(2);
    });

    it('answers JWKS_UNAVAILABLE with a Retry-After when no key was ever fetched, and recovers', async () => {
      const v = validator();
      const t = await token(version);
      idp.outage(true);
      const first = await refusal(v.validate(t));
      expect(first).toMatchObject({ code: 'EXCHANGE.JWKS_UNAVAILABLE', retryAfterSeconds: 30 });
      expect(first.details['retryAfterSeconds']).toBe(30);
      offsetMs = 10_000;
      expect(await refusal(v.validate(t))).toMatchObject({ code: 'EXCHANGE.JWKS_UNAVAILABLE', retryAfterSeconds: 20 });
      expect(idp.requests(TENANT, version).discovery).toBe(1); // waited for the cooldown
      idp.outage(false);
      offsetMs = COOLDOWN_MS + 1000;
      await expect(v.validate(t)).resolves.toMatchObject({ objectId: USER });
    });

    it('answers JWKS_UNAVAILABLE, not SIGNING_KEY_UNKNOWN, when the fetch for a new kid fails', async () => {
      const v = validator();
      await v.validate(await token(version));
      await idp.rotateKeys(version);
      const rotated = await token(version);
      idp.outage(true);
      offsetMs = COOLDOWN_MS + 1000;
      expect((await refusal(v.validate(rotated))).code).toBe('EXCHANGE.JWKS_UNAVAILABLE');
    });

    it('refuses keys from a discovery document that names another issuer', async () => {
      const misconfigured = validator([{ tenantId: TENANT, versions: [version], metadataUrl: idp.metadataUrl(OTHER, version) }]);
      expect((await refusal(misconfigured.validate(await token(version)))).code).toBe('EXCHANGE.JWKS_UNAVAILABLE');
    });
  });

  it('caches keys per tenant and version', async () => {
    const v = validator(idp.trustedTenants([TENANT, OTHER]));
    for (const version of VERSIONS) {
      await v.validate(await token(version, TENANT));
      await v.validate(await token(version, OTHER));
    }
    for (const tenant of [TENANT, OTHER]) for (const version of VERSIONS) expect(idp.requests(tenant, version)).toEqual({ discovery: 1, jwks: 1 });
  });

  it('fetches every trusted issuer at warm-up', async () => {
    const v = validator(idp.trustedTenants([TENANT, OTHER]));
    await expect(v.warmUp()).resolves.toBe(true);
    expect(idp.requests(OTHER, '1.0')).toEqual({ discovery: 1, jwks: 1 });
    await v.validate(await token('2.0'));
    expect(idp.requests(TENANT, '2.0')).toEqual({ discovery: 1, jwks: 1 });
  });
});

describe('Entra key refresh metrics', () => {
  const REFRESHES = prometheusName(METRICS.jwksRefreshes);
  const refreshes = async () =>
    parseScrape(await renderPrometheusMetrics())
      .samples(REFRESHES)
      .map((s) => ({ source: s.labels['source'], outcome: s.labels['outcome'], value: s.value }));

  beforeEach(() => startTelemetry({ instrumentations: [] }));
  afterEach(() => shutdownTelemetry());

  it('counts one ok refresh per fetch, however many lookups share it, and one failed per failed fetch', async () => {
    const v = validator(); // after the SDK started: its key sources record for real
    const tokens = await Promise.all(Array.from({ length: 5 }, () => token('2.0')));
    await Promise.all(tokens.map((t) => v.validate(t)));
    expect(await refreshes()).toEqual([{ source: 'entra', outcome: 'ok', value: 1 }]);

    idp.outage(true);
    offsetMs = MAX_AGE_MS + 1000; // due for a refresh, which fails; the kept keys still serve
    await expect(v.validate(await token('2.0'))).resolves.toMatchObject({ objectId: USER });
    expect(await refreshes()).toEqual(
      expect.arrayContaining([
        { source: 'entra', outcome: 'ok', value: 1 },
        { source: 'entra', outcome: 'failed', value: 1 },
      ]),
    );
    expect(await refreshes()).toHaveLength(2);
  });
});
