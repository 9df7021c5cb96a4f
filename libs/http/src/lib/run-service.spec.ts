import { Module } from '@nestjs/common';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConfigSliceModule, defineConfigSlice, envInteger } from '@latchkey/config';
import { startTelemetry } from '@latchkey/telemetry';
import { DemoModule, demoState } from '../../test/demo-app';
import { runService, TELEMETRY_FLUSH_MS, type ServiceRuntime, type ShutdownSignal } from './run-service';

const widgetConfig = defineConfigSlice('demo-widgets', {
  LATCHKEY_DEMO_WIDGETS: envInteger({ min: 1 }).default(1).describe('How many widgets.'),
});

@Module({ imports: [DemoModule, ConfigSliceModule.forSlice(widgetConfig)] })
class DemoServiceModule {}

class FakeProcess implements ServiceRuntime {
  out = '';
  err = '';
  readonly exits: number[] = [];
  readonly handlers = new Map<ShutdownSignal, () => void>();
  readonly readinessPollMs = 10;
  private resolveExit: (code: number) => void = () => undefined;
  readonly exited = new Promise<number>((resolve) => {
    this.resolveExit = resolve;
  });

  constructor(readonly env: Record<string, string>) {}

  stdout = (text: string): void => {
    this.out += text;
  };
  stderr = (text: string): void => {
    this.err += text;
  };
  exit = (code: number): void => {
    this.exits.push(code);
    this.resolveExit(code);
  };
  onSignal = (signal: ShutdownSignal, handler: () => void): void => {
    this.handlers.set(signal, handler);
  };
  signal(signal: ShutdownSignal): void {
    this.handlers.get(signal)?.();
  }
}

const validEnv = { LATCHKEY_DEMO_PORT: '0', LOG_LEVEL: 'silent' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(runService.name, () => {
  beforeEach(() => {
    demoState.dependencyUp = true;
    demoState.shutdownDelayMs = 0;
  });

  it('exits 1 with one message naming every bad variable, the service slices included, without a stack', async () => {
    const proc = new FakeProcess({
      LATCHKEY_DEMO_PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://admin:db-password-9@db/latchkey',
      LATCHKEY_DEMO_WIDGETS: '0',
    });
    expect(await runService({ name: 'demo', module: DemoServiceModule }, proc)).toBeUndefined();
    expect(proc.exits).toEqual([1]);
    expect(proc.out).toBe('');
    for (const variable of ['LATCHKEY_DEMO_PORT', 'LOG_LEVEL', 'DATABASE_URL', 'LATCHKEY_DEMO_WIDGETS']) {
      expect(proc.err).toContain(variable);
    }
    expect(proc.err).toMatch(/^demo: Invalid configuration: 4 variables to fix\./);
    expect(proc.err).not.toContain('db-password-9');
    expect(proc.err).not.toMatch(/\n\s+at /);
  });

  it('prints exactly one ready line, only once every readiness check passes', async () => {
    demoState.dependencyUp = false;
    const proc = new FakeProcess(validEnv);
    const running = runService({ name: 'demo', module: DemoServiceModule }, proc);
    await sleep(150);
    expect(proc.out).toBe('');
    demoState.dependencyUp = true;
    const handle = await running;
    expect(proc.out).toMatch(/^demo ready on http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(proc.out).toBe(`demo ready on ${handle?.url}\n`);
    proc.signal('SIGTERM');
    await proc.exited;
  });

  it('closes gracefully on SIGTERM and exits 0', async () => {
    const proc = new FakeProcess(validEnv);
    const handle = await runService({ name: 'demo', module: DemoServiceModule }, proc);
    proc.signal('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(handle?.readiness.isShuttingDown).toBe(true);
    await expect(fetch(`${handle?.url}/healthz`)).rejects.toThrow();
  });

  describe('when the last trace export fails (an absent collector), the stop is still clean', () => {
    /** The span pipeline's shutdown as an unreachable collector makes it: rejected, or never answered. */
    const exporterThat = (shutdown: () => Promise<void>): SpanProcessor => ({
      onStart: () => undefined,
      onEnd: () => undefined,
      forceFlush: shutdown,
      shutdown,
    });

    it.each([
      ['fails', () => Promise.reject(new Error('getaddrinfo ENOTFOUND otel-collector'))],
      ['never answers', () => new Promise<void>(() => undefined)],
    ])('exits 0 on SIGTERM when the export %s, within the flush bound, and says so', async (_, shutdown) => {
      startTelemetry({ spanProcessors: [exporterThat(shutdown)], instrumentations: [] });
      const proc = new FakeProcess(validEnv);
      await runService({ name: 'demo', module: DemoServiceModule }, proc);
      const stopping = Date.now();
      proc.signal('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(TELEMETRY_FLUSH_MS + 1_000);
      expect(proc.err).toMatch(/^demo: stopped; the last traces were not exported \(.+\)\n$/);
    });
  });

  it('exits 1 when shutdown overruns LATCHKEY_SHUTDOWN_TIMEOUT_MS', async () => {
    const proc = new FakeProcess({ ...validEnv, LATCHKEY_SHUTDOWN_TIMEOUT_MS: '50' });
    await runService({ name: 'demo', module: DemoServiceModule }, proc);
    demoState.shutdownDelayMs = 300;
    proc.signal('SIGINT');
    expect(await proc.exited).toBe(1);
    expect(proc.err).toContain('did not finish within 50 ms');
    await sleep(350);
  });

  it('exits 1 at once on a second signal during shutdown', async () => {
    const proc = new FakeProcess(validEnv);
    await runService({ name: 'demo', module: DemoServiceModule }, proc);
    demoState.shutdownDelayMs = 200;
    proc.signal('SIGTERM');
    proc.signal('SIGINT');
    expect(await proc.exited).toBe(1);
    await sleep(300);
  });

  it('exits 1 with the cause when the app cannot start', async () => {
    const first = new FakeProcess(validEnv);
    const running = await runService({ name: 'demo', module: DemoServiceModule }, first);
    const port = new URL(running?.url ?? '').port;
    const second = new FakeProcess({ ...validEnv, LATCHKEY_DEMO_PORT: port });
    await runService({ name: 'demo', module: DemoServiceModule }, second);
    expect(second.exits).toEqual([1]);
    expect(second.err).toContain('demo failed to start');
    expect(second.err).toContain('EADDRINUSE');
    first.signal('SIGTERM');
    await first.exited;
  });
});
