import { AccessRevocationV1, type RevocationSubject } from '@latchkey/contracts';
import { EventBus, InProcessBroker, InProcessTransport } from '@latchkey/messaging';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { parseScrape } from '@latchkey/testing';
import { RevocationCache } from './revocation-cache';
import { RevocationFeed, RevocationFeedStatus } from './revocation.module';

const PROPAGATION = 'latchkey_revocation_propagation';

async function until(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(`${RevocationFeed.name} propagation metric`, () => {
  let bus: EventBus;
  let cache: RevocationCache;
  let status: RevocationFeedStatus;
  let feed: RevocationFeed;

  const revoke = (isvId: string, at = new Date()) =>
    bus.publish(AccessRevocationV1, {
      subject: { kind: 'isv', isvId },
      notBefore: at.toISOString(),
      action: 'revoke',
      reason: 'ADMIN.MANUAL',
      alertId: null,
      actor: 'spec',
    });
  const applied = (isvId: string) => cache.get({ kind: 'isv', isvId } satisfies RevocationSubject)?.revoked === true;
  const propagation = async (service: string) => {
    const scrape = parseScrape(await renderPrometheusMetrics());
    return { count: scrape.total(`${PROPAGATION}_count`, { service }), sum: scrape.total(`${PROPAGATION}_sum`, { service }) };
  };

  beforeAll(async () => {
    startTelemetry({ instrumentations: [] });
    bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    await bus.connect();
    // History on the topic before the feed starts: replayed at load, not propagation.
    await revoke('isv-history');
    cache = new RevocationCache();
    status = new RevocationFeedStatus();
    feed = new RevocationFeed(bus, cache, status, 'face-api', undefined);
    await feed.onApplicationBootstrap();
    await until(() => status.isLoaded && applied('isv-history'), 'the topic loaded');
  });

  afterAll(async () => {
    feed.onApplicationShutdown();
    await bus.close();
    await shutdownTelemetry();
  });

  it('records nothing for the records replayed while the topic loads', async () => {
    expect(await propagation('face-api')).toEqual({ count: 0, sum: 0 });
  });

  it('records each live revocation once, under the service, with the time from the event to its application', async () => {
    await revoke('isv-live', new Date());
    await until(() => applied('isv-live'), 'the live revocation applied');

    const recorded = await propagation('face-api');
    expect(recorded.count).toBe(1);
    expect(recorded.sum).toBeGreaterThanOrEqual(0);
    expect(recorded.sum).toBeLessThan(5000);
    expect(await propagation('issuer')).toEqual({ count: 0, sum: 0 });
    // The catalogue's histogram (milliseconds), with no label that names the subject.
    const scrape = parseScrape(await renderPrometheusMetrics());
    expect(scrape.families.get(PROPAGATION)?.type).toBe('histogram');
    expect(scrape.samples(`${PROPAGATION}_count`, { service: 'face-api' }).map((sample) => sample.labels['otel_scope_name'])).toEqual([
      '@latchkey/platform',
    ]);
    expect(scrape.text).not.toContain('isv-live');
  });
});

describe(`${RevocationFeed.name} consumer session`, () => {
  it('asks for a short Kafka session (6–10 s), so that it rejoins within seconds of a broker restart instead of 30 s', async () => {
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    const subscribe = jest.spyOn(bus, 'subscribe');
    const feed = new RevocationFeed(bus, new RevocationCache(), new RevocationFeedStatus(), 'face-api', undefined);
    try {
      await bus.connect();
      await feed.onApplicationBootstrap();
      const sessionTimeoutMs = subscribe.mock.calls[0]?.[0].sessionTimeoutMs;
      expect(sessionTimeoutMs).toBeGreaterThanOrEqual(6000);
      expect(sessionTimeoutMs).toBeLessThanOrEqual(10_000);
    } finally {
      feed.onApplicationShutdown();
      await bus.close();
    }
  });
});
