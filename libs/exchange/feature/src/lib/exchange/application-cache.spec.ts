import type { OAuthApplication } from '@latchkey/exchange/data-access';
import { ApplicationCache } from './application-cache';

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe(ApplicationCache.name, () => {
  const app = (enabled: boolean) => ({ clientId: 'app', enabled }) as OAuthApplication;

  it('reads an application once per TTL, then again', async () => {
    let stored = app(true);
    const load = jest.fn(async () => stored);
    const cache = new ApplicationCache(load, 1000);

    expect((await cache.get('app', T0))?.enabled).toBe(true);
    stored = app(false);
    expect((await cache.get('app', at(999)))?.enabled).toBe(true);
    expect((await cache.get('app', at(1000)))?.enabled).toBe(false);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('never remembers an unknown client id', async () => {
    let stored: OAuthApplication | undefined = undefined;
    const cache = new ApplicationCache(async () => stored, 1000);

    expect(await cache.get('app', T0)).toBeUndefined();
    stored = app(true);
    expect(await cache.get('app', at(1))).toBeDefined();
  });

  it('keeps at most maxEntries', async () => {
    const load = jest.fn(async (clientId: string) => ({ clientId, enabled: true }) as OAuthApplication);
    const cache = new ApplicationCache(load, 1000, 2);
    await cache.get('a', T0);
    await cache.get('b', T0);
    await cache.get('c', T0);
    await cache.get('a', T0);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
