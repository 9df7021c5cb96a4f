import { ReadinessRegistry } from './readiness.registry';

describe(ReadinessRegistry.name, () => {
  it('is ready with no checks', async () => {
    expect(await new ReadinessRegistry(50).evaluate()).toEqual({ ready: true, checks: [] });
  });

  it('reports each check, distinguishing failures from timeouts', async () => {
    const registry = new ReadinessRegistry(50);
    registry.register('db', () => undefined);
    registry.register('bus', async () => Promise.reject(new Error('down')));
    registry.register('revocations', () => new Promise<void>((resolve) => setTimeout(resolve, 500)));
    expect(await registry.evaluate()).toEqual({
      ready: false,
      checks: [
        { name: 'db', ok: true },
        { name: 'bus', ok: false, reason: 'failed' },
        { name: 'revocations', ok: false, reason: 'timeout' },
      ],
    });
  });

  it('counts a synchronously throwing check as failed', async () => {
    const registry = new ReadinessRegistry(50);
    registry.register('sync', () => {
      throw new Error('nope');
    });
    expect((await registry.evaluate()).checks).toEqual([{ name: 'sync', ok: false, reason: 'failed' }]);
  });

  it('refuses a duplicate name and forgets a check once unregistered', async () => {
    const registry = new ReadinessRegistry(50);
    const unregister = registry.register('db', () => Promise.reject(new Error('down')));
    expect(() => registry.register('db', () => undefined)).toThrow(/already registered/);
    unregister();
    expect((await registry.evaluate()).ready).toBe(true);
  });

  it('reports not ready once shutdown begins', async () => {
    const registry = new ReadinessRegistry(50);
    registry.markShuttingDown();
    expect(await registry.evaluate()).toEqual({ ready: false, checks: [{ name: 'shutdown', ok: false, reason: 'shutting-down' }] });
  });
});
