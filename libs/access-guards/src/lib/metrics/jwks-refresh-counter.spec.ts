import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseScrape } from '@latchkey/testing';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { createRemoteJwks, generateSigningKey, KeyRing, signLimitedAccessToken, type SigningKey } from '@latchkey/tokens';
import { DpopReplayCache } from '@latchkey/tokens';
import { LimitedAccessTokenVerifier } from '../limited-access/limited-access-token.verifier';
import { RevocationCache } from '../revocation/revocation-cache';
import { JwksRefreshCounter } from './jwks-refresh-counter';

const ISSUER = 'https://sts.jwks-metric.test';
const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';
const REFRESHES = 'latchkey_jwks_refreshes_total';

/** The refreshes counted so far, by source and outcome. */
async function refreshes(source: string): Promise<{ ok: number; failed: number }> {
  const scrape = parseScrape(await renderPrometheusMetrics());
  return { ok: scrape.total(REFRESHES, { source, outcome: 'ok' }), failed: scrape.total(REFRESHES, { source, outcome: 'failed' }) };
}

describe(JwksRefreshCounter.name, () => {
  let key: SigningKey;
  let server: Server;
  let jwksUrl: string;
  let requests = 0;
  let down = false;

  beforeAll(async () => {
    startTelemetry({ instrumentations: [] });
    key = await generateSigningKey('EdDSA', new Date(Date.now() - 60_000));
    const body = JSON.stringify(new KeyRing([{ key, status: 'active' }]).publicJwks());
    server = createServer((_req, res) => {
      requests++;
      if (down) res.writeHead(503).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await shutdownTelemetry();
  });

  beforeEach(() => {
    down = false;
  });

  it('counts a warm-up fetch once, however often the status is read, and nothing while the set is served from cache', async () => {
    const keys = createRemoteJwks(jwksUrl);
    const counter = new JwksRefreshCounter(keys, 'exchange');
    const before = await refreshes('exchange');

    await keys.warmUp();
    counter.observe();
    counter.observe();

    expect(await refreshes('exchange')).toEqual({ ok: before.ok + 1, failed: before.failed });
    await keys.warmUp(); // a second fetch is a second refresh
    counter.observe();
    expect(await refreshes('exchange')).toEqual({ ok: before.ok + 2, failed: before.failed });
  });

  it('counts a failed fetch as failed, once, and the fetch that succeeds after it as ok', async () => {
    const keys = createRemoteJwks(jwksUrl, { cooldownMs: 0 });
    const counter = new JwksRefreshCounter(keys, 'exchange');
    const before = await refreshes('exchange');
    down = true;

    await expect(keys.warmUp()).rejects.toThrow();
    counter.observe();
    counter.observe();
    expect(await refreshes('exchange')).toEqual({ ok: before.ok, failed: before.failed + 1 });

    down = false;
    await keys.warmUp();
    counter.observe();
    expect(await refreshes('exchange')).toEqual({ ok: before.ok + 1, failed: before.failed + 1 });
  });

  it('counts the fetch a verification makes under the source it was created for, and none for tokens verified from the cached set', async () => {
    const keys = createRemoteJwks(jwksUrl);
    const verifier = new LimitedAccessTokenVerifier({
      keys,
      keyRefreshes: new JwksRefreshCounter(keys, 'issuer'),
      issuer: ISSUER,
      clockToleranceSeconds: 5,
      maxRevocationStalenessMs: 5000,
      revocationStaleForMs: () => 0,
      revocations: new RevocationCache(),
      dpopReplays: new DpopReplayCache({ maxEntries: 10 }),
    });
    const mint = async () =>
      (
        await signLimitedAccessToken(
          { issuer: ISSUER, isvId: 'isv-a', resourceId: RESOURCE, features: ['Face.Identification'], lifetimeSeconds: 600, now: new Date() },
          key,
        )
      ).token;
    const before = { issuer: await refreshes('issuer'), exchange: await refreshes('exchange'), requests };
    const gated = async (token: string) =>
      verifier.verify({
        header: `Bearer ${token}`,
        resourceId: RESOURCE,
        feature: 'Face.Identification',
        dpop: { proof: undefined, method: 'POST', url: 'https://face.test/' },
      });

    await gated(await mint());
    await gated(await mint());
    await gated(await mint());

    expect(requests - before.requests).toBe(1);
    expect(await refreshes('issuer')).toEqual({ ok: before.issuer.ok + 1, failed: before.issuer.failed });
    expect(await refreshes('exchange')).toEqual(before.exchange);
  });
});
