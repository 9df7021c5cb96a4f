import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { EventLoopSample } from './event-loop-monitor';
import { deferLoadShedding, installLoadShedding, type LoadSheddingDeps } from './install-load-shedding';
import type { LoadSheddingConfig } from './load-shedding.config';
import { STEER_MIN_ARRIVALS, type ShedReason } from './load-shedder';

const CONFIG: LoadSheddingConfig = {
  LATCHKEY_SHED_MAX_IN_FLIGHT: 1,
  LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: 100,
  LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: 0,
  LATCHKEY_SHED_RETRY_AFTER_SECONDS: 2,
};

/** A server with a route held open until the test lets it go, and fake event-loop samples sampled on demand. */
async function start(config: LoadSheddingConfig = CONFIG) {
  const app: FastifyInstance = Fastify();
  const shed: ShedReason[] = [];
  let nextSample: EventLoopSample = { utilization: 0, meanDelayMs: 0 };
  let sampleNow: () => void = () => undefined;
  let stopped = false;
  const deps: LoadSheddingDeps = {
    monitor: { sample: () => nextSample, stop: () => void (stopped = true) },
    schedule: (sample) => {
      sampleNow = sample;
      return () => undefined;
    },
    onShed: (reason) => shed.push(reason),
  };
  const shedder = installLoadShedding(app, config, deps);
  const held: (() => void)[] = [];
  let handled = 0;
  app.get('/hold', async () => {
    handled += 1;
    await new Promise<void>((resolve) => held.push(resolve));
    return { ok: true };
  });
  app.get('/quick', async () => {
    handled += 1;
    return { ok: true };
  });
  app.get('/readyz', async () => ({ status: 'ok' }));
  app.get('/metrics', async () => 'up 1\n');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    shed,
    shedder,
    held,
    handled: () => handled,
    isStopped: () => stopped,
    loop: (sample: EventLoopSample) => {
      nextSample = sample;
      sampleNow();
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(installLoadShedding.name, () => {
  let current: Awaited<ReturnType<typeof start>> | undefined;
  const track = (started: Awaited<ReturnType<typeof start>>) => (current = started);
  afterEach(async () => {
    for (const release of current?.held ?? []) release();
    await current?.app.close();
    current = undefined;
  });

  it('refuses a request over the in-flight cap with 503, Retry-After and the Azure error shape, without running its handler', async () => {
    const server = track(await start());
    const first = fetch(`${server.url}/hold`);
    await until(() => server.handled() === 1);

    const refused = await fetch(`${server.url}/quick`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('x-ms-error-code')).toBe('ServiceUnavailable');
    expect(await refused.json()).toMatchObject({ error: { code: 'ServiceUnavailable', innererror: { code: 'ServerOverloaded' } } });
    expect(server.handled()).toBe(1);
    expect(server.shed).toEqual(['in-flight']);

    // The admitted request is not dropped: it completes once its handler does.
    server.held[0]();
    expect((await first).status).toBe(200);
  });

  it('never sheds or counts the probes and /metrics', async () => {
    const server = track(await start());
    const first = fetch(`${server.url}/hold`);
    await until(() => server.handled() === 1);
    server.loop({ utilization: 1, meanDelayMs: 500 });

    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
    expect(server.shedder.inFlight).toBe(1);
    expect(server.shed).toEqual([]);
    server.held[0]();
    await first;
  });

  it('releases the slot when the response is sent, so the next request is admitted', async () => {
    const server = track(await start());
    const first = fetch(`${server.url}/hold`);
    await until(() => server.handled() === 1);
    server.held[0]();
    expect((await first).status).toBe(200);
    await until(() => server.shedder.inFlight === 0);
    expect((await fetch(`${server.url}/quick`)).status).toBe(200);
  });

  it('releases the slot when the client goes away before the answer', async () => {
    const server = track(await start());
    const abort = new AbortController();
    const first = fetch(`${server.url}/hold`, { signal: abort.signal }).catch(() => 'aborted');
    await until(() => server.handled() === 1);
    abort.abort();
    expect(await first).toBe('aborted');
    await until(() => server.shedder.inFlight === 0);
    expect((await fetch(`${server.url}/quick`)).status).toBe(200);
  });

  it('sheds everything but the probes while the sampled event loop is late, then recovers', async () => {
    const server = track(await start({ ...CONFIG, LATCHKEY_SHED_MAX_IN_FLIGHT: 0 }));
    server.loop({ utilization: 1, meanDelayMs: 150 });
    const refused = await fetch(`${server.url}/quick`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(server.shed).toEqual(['event-loop-delay']);

    server.loop({ utilization: 1, meanDelayMs: 5 });
    expect((await fetch(`${server.url}/quick`)).status).toBe(200);
  });

  it('refuses the share the utilisation signal cuts, evenly, and admits everything again after calm samples', async () => {
    const server = track(
      await start({
        ...CONFIG,
        LATCHKEY_SHED_MAX_IN_FLIGHT: 0,
        LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: 0,
        LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: 90,
      }),
    );
    // The service's own traffic: enough arrivals in the sample for a busy, late loop to be its overload (STEER_MIN_ARRIVALS).
    for (let i = 0; i < STEER_MIN_ARRIVALS; i += 1) expect((await fetch(`${server.url}/quick`)).status).toBe(200);
    server.loop({ utilization: 1, meanDelayMs: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) statuses.push((await fetch(`${server.url}/quick`)).status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(8);
    expect(server.shed).toEqual(['event-loop-utilization', 'event-loop-utilization']);

    server.loop({ utilization: 0.5, meanDelayMs: 1 });
    server.loop({ utilization: 0.5, meanDelayMs: 1 });
    for (let i = 0; i < 10; i += 1) expect((await fetch(`${server.url}/quick`)).status).toBe(200);
  });

  it('stops its event-loop monitor when the server closes', async () => {
    const server = track(await start());
    await server.app.close();
    expect(server.isStopped()).toBe(true);
  });

  it('does not sample the event loop when both loop signals are off', async () => {
    let scheduled = false;
    const app = Fastify();
    installLoadShedding(
      app,
      { ...CONFIG, LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: 0 },
      {
        monitor: { sample: () => ({ utilization: 1, meanDelayMs: 1 }), stop: () => undefined },
        schedule: () => {
          scheduled = true;
          return () => undefined;
        },
        onShed: () => undefined,
      },
    );
    await app.close();
    expect(scheduled).toBe(false);
  });

  it('admits everything until armed, and cannot be armed twice', async () => {
    const app = Fastify();
    const deferred = deferLoadShedding(app);
    let calls = 0;
    app.get('/quick', async () => ({ calls: ++calls }));
    await app.ready();
    const quiet: LoadSheddingDeps = { onShed: () => undefined, schedule: () => () => undefined };
    const first = await app.inject({ method: 'GET', url: '/quick' });
    expect(first.statusCode).toBe(200);
    const shedder = deferred.arm({ ...CONFIG, LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: 0, LATCHKEY_SHED_MAX_IN_FLIGHT: 0 }, quiet);
    expect(shedder.inFlight).toBe(0);
    expect(() => deferred.arm(CONFIG, quiet)).toThrow(/already armed/);
    await app.close();
  });
});
