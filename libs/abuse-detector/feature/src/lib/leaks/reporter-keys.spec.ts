import { generateKeyPairSync } from 'node:crypto';
import { RemoteReporterKeys } from './reporter-keys';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const documentWith = (...ids: string[]) =>
  JSON.stringify({ public_keys: ids.map((key_identifier) => ({ key_identifier, key: pem, is_current: true })) });

/** A key URL serving `documents` in turn (the last one repeats), counting requests. */
function keyServer(...documents: (string | 500)[]) {
  const server = { requests: 0 };
  const fetch = (() => {
    const answer = documents[Math.min(server.requests, documents.length - 1)] ?? 500;
    server.requests += 1;
    return Promise.resolve(answer === 500 ? new Response('down', { status: 500 }) : new Response(answer, { status: 200 }));
  }) as unknown as typeof globalThis.fetch;
  return { server, fetch };
}

describe(RemoteReporterKeys.name, () => {
  let now = 1_000_000;
  const clock = () => now;

  it('fetches once, then serves known keys from the cache', async () => {
    const { server, fetch } = keyServer(documentWith('k1'));
    const keys = new RemoteReporterKeys('https://keys.test/', { cooldownMs: 60_000, maxAgeMs: 3_600_000, fetch, now: clock });

    expect(await keys.find('k1')).toBeDefined();
    expect(await keys.find('k1')).toBeDefined();
    expect(server.requests).toBe(1);
  });

  it('refetches for an unknown key identifier at most once per cooldown, and finds a rotated key', async () => {
    const { server, fetch } = keyServer(documentWith('k1'), documentWith('k1', 'k2'));
    const keys = new RemoteReporterKeys('https://keys.test/', { cooldownMs: 60_000, maxAgeMs: 3_600_000, fetch, now: clock });
    await keys.find('k1');

    now += 1000;
    expect(await keys.find('made-up-1')).toBeUndefined();
    expect(await keys.find('made-up-2')).toBeUndefined();
    expect(await keys.find('k2')).toBeUndefined();
    expect(server.requests).toBe(1);

    now += 60_000;
    expect(await keys.find('k2')).toBeDefined();
    expect(server.requests).toBe(2);
  });

  it('keeps serving the last keys when a refetch fails, and is unavailable only when it never fetched', async () => {
    const { fetch } = keyServer(500);
    const never = new RemoteReporterKeys('https://keys.test/', { cooldownMs: 60_000, maxAgeMs: 1000, fetch, now: clock });
    await expect(never.find('k1')).rejects.toMatchObject({ code: 'ABUSE.LEAK_VERIFICATION_UNAVAILABLE' });

    const flaky = keyServer(documentWith('k1'), 500);
    const keys = new RemoteReporterKeys('https://keys.test/', { cooldownMs: 60_000, maxAgeMs: 1000, fetch: flaky.fetch, now: clock });
    await keys.find('k1');
    now += 120_000;
    expect(await keys.find('k1')).toBeDefined();
    expect(flaky.server.requests).toBe(2);
  });
});
