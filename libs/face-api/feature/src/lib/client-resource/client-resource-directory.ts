import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { ClientResourceRepository } from '@latchkey/face-api/data-access';
import { hashApiKey } from '@latchkey/tokens';
import { faceApiConfig } from '../face-api.config';
import type { AuthenticatedClientResource, ClientResourceResolver } from './authenticated-client-resource';

/** Longer than any key we issue (`lk_cli_` and 43 characters): refused without a lookup. */
const MAX_KEY_LENGTH = 256;

/** Entries kept; an unknown key is remembered too, so a replayed bad key costs no round trip. */
const MAX_ENTRIES = 10_000;

/** A lookup's outcome, boxed: lru-cache cannot hold `undefined` itself. */
interface Lookup {
  readonly resource: AuthenticatedClientResource | undefined;
}

/**
 * Which client resource holds a subscription key, by the key's SHA-256
 * digest (the only form stored). Lookups are kept for
 * LATCHKEY_FACE_API_CACHE_TTL_MS, unknown keys too; concurrent misses for
 * one key share one read. `forgetAll` drops them, so a key rotated or
 * deleted through this instance's admin API stops here at once; other
 * instances see it within the TTL.
 */
@Injectable()
export class ClientResourceDirectory implements ClientResourceResolver {
  private readonly cache: LRUCache<string, Lookup> | undefined;

  constructor(
    private readonly resources: ClientResourceRepository,
    @InjectConfig(faceApiConfig) config: ConfigOf<typeof faceApiConfig>,
  ) {
    const ttl = config.LATCHKEY_FACE_API_CACHE_TTL_MS;
    if (ttl > 0) this.cache = new LRUCache<string, Lookup>({ max: MAX_ENTRIES, ttl, fetchMethod: (digest) => this.load(digest) });
  }

  async resolveResourceByKey(key: string): Promise<AuthenticatedClientResource | undefined> {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) return undefined;
    const digest = hashApiKey(key);
    if (!this.cache) return (await this.load(digest)).resource;
    // A `forgetAll` meanwhile aborts the shared read (lru-cache rejects it): read afresh. A read that failed on its own fails again here.
    const hit = await this.cache.fetch(digest).catch(() => undefined);
    return (hit ?? (await this.load(digest))).resource;
  }

  /** Drops every remembered lookup: a key was created, rotated or deleted on this instance. */
  forgetAll(): void {
    this.cache?.clear();
  }

  private async load(digest: string): Promise<Lookup> {
    const row = await this.resources.findByKeyHash(digest);
    return { resource: row && { resourceId: row.resourceId, displayName: row.displayName } };
  }
}
