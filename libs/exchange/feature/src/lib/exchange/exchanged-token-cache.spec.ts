import { ExchangedTokenCache, type CachedExchange } from './exchanged-token-cache';

const NOW = new Date('2030-01-01T00:00:00Z');
const at = (ms: number) => new Date(NOW.getTime() + ms);
const never = () => false;

const entry = (overrides: Partial<CachedExchange> = {}): CachedExchange => ({
  token: 'eyJ.internal.token',
  jti: 'j1',
  scopes: ['a'],
  personId: 'p1',
  clientId: 'app',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  issuedAt: NOW,
  expiresAt: at(3600_000),
  ...overrides,
});

describe(ExchangedTokenCache.name, () => {
  const request = { sourceToken: 'eyJ.source.token', clientId: 'app', scopes: ['b', 'a'], audience: 'api://x' };

  it('keys by a hash that never holds the source token, the same for scopes in any order', () => {
    const key = ExchangedTokenCache.key(request);
    expect(key).not.toContain('source');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ExchangedTokenCache.key({ ...request, scopes: ['a', 'b', 'a'] })).toBe(key);
  });

  it.each([
    ['another source token', { sourceToken: 'eyJ.other' }],
    ['another application', { clientId: 'other' }],
    ['other scopes', { scopes: ['a'] }],
    ['another audience', { audience: 'api://y' }],
  ])('keys %s apart', (_what, change) => {
    expect(ExchangedTokenCache.key({ ...request, ...change })).not.toBe(ExchangedTokenCache.key(request));
  });

  it('serves an entry until shortly before it expires, then drops it', () => {
    const cache = new ExchangedTokenCache({ maxEntries: 10, refreshBeforeMs: 60_000 });
    cache.set('k', entry());

    expect(cache.get('k', at(3540_000 - 1), never)).toBeDefined();
    expect(cache.get('k', at(3540_000), never)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops an entry a revocation refuses, at the first read after it', () => {
    const cache = new ExchangedTokenCache({ maxEntries: 10, refreshBeforeMs: 0 });
    cache.set('k', entry());
    let revoked = false;

    expect(cache.get('k', NOW, () => revoked)).toBeDefined();
    revoked = true;
    expect(cache.get('k', NOW, () => revoked)).toBeUndefined();
    revoked = false;
    expect(cache.get('k', NOW, () => revoked)).toBeUndefined();
  });

  it('keeps at most maxEntries, forgetting the least recently used', () => {
    const cache = new ExchangedTokenCache({ maxEntries: 2, refreshBeforeMs: 0 });
    cache.set('a', entry({ jti: 'a' }));
    cache.set('b', entry({ jti: 'b' }));
    cache.get('a', NOW, never);
    cache.set('c', entry({ jti: 'c' }));

    expect(cache.get('b', NOW, never)).toBeUndefined();
    expect(cache.get('a', NOW, never)?.jti).toBe('a');
    expect(cache.get('c', NOW, never)?.jti).toBe('c');
  });
});
