import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { IssuanceRepository } from '@latchkey/issuer/data-access';
import { ReadThroughCache } from '../cache/read-through-cache';
import { issuerConfig } from '../issuer.config';

/**
 * The clients each ISV stopped generating tokens for, read per ISV and kept
 * in memory for LATCHKEY_ISSUER_CACHE_TTL_MS so issuance checks them without
 * a database round trip. A block or unblock made through this instance
 * takes effect on its next request; other instances see it within the TTL.
 */
@Injectable()
export class ClientBlockDirectory {
  private readonly blockedByIsv: ReadThroughCache<ReadonlySet<string>>;

  constructor(
    private readonly issuances: IssuanceRepository,
    @InjectConfig(issuerConfig) config: ConfigOf<typeof issuerConfig>,
  ) {
    this.blockedByIsv = new ReadThroughCache(async (isvId): Promise<ReadonlySet<string>> => new Set(await issuances.blockedResources(isvId)), {
      ttlMs: config.LATCHKEY_ISSUER_CACHE_TTL_MS,
      max: 10_000,
    });
  }

  /** `resourceId` canonical, as issuance and the self-service store it. */
  async isBlocked(isvId: string, resourceId: string): Promise<boolean> {
    return (await this.blockedByIsv.get(isvId)).has(resourceId);
  }

  async block(isvId: string, resourceId: string, reason: string | null): Promise<void> {
    await this.issuances.block(isvId, resourceId, reason);
    this.blockedByIsv.forget(isvId);
  }

  async unblock(isvId: string, resourceId: string): Promise<void> {
    await this.issuances.unblock(isvId, resourceId);
    this.blockedByIsv.forget(isvId);
  }
}
