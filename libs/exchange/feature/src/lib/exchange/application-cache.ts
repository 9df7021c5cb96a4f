import type { OAuthApplication } from '@latchkey/exchange/data-access';

/**
 * OAuth applications read by `client_id`, kept for `ttlMs` (default one
 * second): a cache hit of an exchange then makes no database round trip at
 * all, and a miss one fewer. The price is bounded staleness: an application
 * disabled or changed through the admin API takes effect within `ttlMs` on
 * every instance (a revocation on `access.revocation` applies at once: the
 * exchange also checks the revocation state). Unknown client ids are not
 * remembered, so an application created a moment ago is found at once.
 */
export class ApplicationCache {
  private readonly entries = new Map<string, { readonly app: OAuthApplication; readonly readAt: number }>();

  constructor(
    private readonly load: (clientId: string) => Promise<OAuthApplication | undefined>,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
  ) {}

  async get(clientId: string, now: Date): Promise<OAuthApplication | undefined> {
    const cached = this.entries.get(clientId);
    if (cached !== undefined && now.getTime() - cached.readAt < this.ttlMs) return cached.app;
    const app = await this.load(clientId);
    this.entries.delete(clientId);
    if (app !== undefined) {
      this.entries.set(clientId, { app, readAt: now.getTime() });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    }
    return app;
  }
}
