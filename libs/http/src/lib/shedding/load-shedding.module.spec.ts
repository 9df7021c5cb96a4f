import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DemoController, MemoryLog } from '../../../test/demo-app';
import { createServiceApp, type ServiceHandle } from '../create-service-app';
import { Public } from '../public.decorator';
import type { LoadSheddingConfig } from './load-shedding.config';
import { LoadSheddingModule, LoadSheddingPolicy } from './load-shedding.module';

/** Holds each request until the test releases it: an admitted request kept in flight. */
const held: (() => void)[] = [];
let handled = 0;

@Public()
@Controller('held')
class HeldController {
  @Get()
  async hold(): Promise<{ ok: true }> {
    handled += 1;
    await new Promise<void>((resolve) => held.push(resolve));
    return { ok: true };
  }
}

@Module({ imports: [LoadSheddingModule], controllers: [HeldController, DemoController] })
class SheddingServiceModule {}

@Module({ controllers: [HeldController, DemoController] })
class PlainServiceModule {}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe(LoadSheddingModule.name, () => {
  let handle: ServiceHandle | undefined;
  const log = new MemoryLog();
  const previousCap = process.env['LATCHKEY_SHED_MAX_IN_FLIGHT'];

  beforeEach(() => {
    // ConfigSliceModule reads the process environment, as in a deployment.
    process.env['LATCHKEY_SHED_MAX_IN_FLIGHT'] = '1';
    handled = 0;
    log.lines.length = 0;
  });
  afterEach(async () => {
    for (const release of held.splice(0)) release();
    await handle?.close();
    handle = undefined;
    if (previousCap === undefined) delete process.env['LATCHKEY_SHED_MAX_IN_FLIGHT'];
    else process.env['LATCHKEY_SHED_MAX_IN_FLIGHT'] = previousCap;
  });

  const start = async (module: typeof SheddingServiceModule) => {
    handle = await createServiceApp({ name: 'demo', module, host: '127.0.0.1', port: 0, env: { LOG_LEVEL: 'info' }, logStream: log.stream });
    return handle;
  };

  it('makes createServiceApp shed ahead of Nest: 503 with a request id, no handler run, no log line, probes still answered', async () => {
    const { url } = await start(SheddingServiceModule);
    const first = fetch(`${url}/held`);
    await until(() => handled === 1);

    const shed = await fetch(`${url}/demo/ok`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    const requestId = shed.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await shed.json()).toMatchObject({ error: { code: 'ServiceUnavailable', innererror: { code: 'ServerOverloaded' } } });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    held[0]?.();
    expect((await first).status).toBe(200);
    // The admitted request is logged as usual; the shed one never reached the request logger.
    await until(() => log.lines.some((line) => JSON.stringify(line).includes('/held')));
    expect(log.text).not.toContain(String(requestId));
  });

  it('leaves a service module without it unshed', async () => {
    const { url } = await start(PlainServiceModule);
    const first = fetch(`${url}/held`);
    await until(() => handled === 1);
    expect((await fetch(`${url}/demo/ok`)).status).toBe(200);
    held[0]?.();
    await first;
  });
});

describe(LoadSheddingPolicy.name, () => {
  const loaded = (utilization?: number): LoadSheddingConfig => ({
    LATCHKEY_SHED_MAX_IN_FLIGHT: 256,
    LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS: 500,
    LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: utilization,
    LATCHKEY_SHED_RETRY_AFTER_SECONDS: 1,
  });

  it("takes the service's default when the environment leaves the utilisation target unset, and the environment's value otherwise", () => {
    const defaults = { maxEventLoopUtilizationPercent: 95 };
    expect(new LoadSheddingPolicy(loaded(), defaults).config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION).toBe(95);
    expect(new LoadSheddingPolicy(loaded(80), defaults).config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION).toBe(80);
    expect(new LoadSheddingPolicy(loaded(0), defaults).config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION).toBe(0);
    expect(new LoadSheddingPolicy(loaded(), undefined).config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION).toBe(0);
  });

  it('gets the defaults of forService through Nest, and none from the plain module', async () => {
    // The test setup turns the signal off for every service a test starts (libs/testing test-service-env.ts); unset it here.
    const previous = process.env['LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION'];
    delete process.env['LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION'];
    try {
      const policyOf = async (module: ReturnType<typeof LoadSheddingModule.forService> | typeof LoadSheddingModule) => {
        const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
        return moduleRef.get(LoadSheddingPolicy).config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION;
      };
      expect(await policyOf(LoadSheddingModule.forService({ maxEventLoopUtilizationPercent: 95 }))).toBe(95);
      expect(await policyOf(LoadSheddingModule)).toBe(0);
    } finally {
      if (previous !== undefined) process.env['LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION'] = previous;
    }
  });
});
