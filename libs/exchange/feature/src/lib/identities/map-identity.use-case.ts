import { Injectable } from '@nestjs/common';
import type { ExchangeErrorCode } from '@latchkey/contracts';
import { IdentityRepository, type IdentitySighting, type ProvisioningMode } from '@latchkey/exchange/data-access';
import type { SqlExecutor } from '@latchkey/persistence';

/** The person an exchange is for, or why there is none. */
export type MappedIdentity =
  | { readonly ok: true; readonly personId: string; readonly created: boolean }
  | { readonly ok: false; readonly code: Extract<ExchangeErrorCode, 'EXCHANGE.PERSON_UNKNOWN' | 'EXCHANGE.PROVISIONING_DENIED'> };

/**
 * Maps a validated Entra principal (`tid`, `oid`) to our person under the
 * OAuth application's provisioning mode: `create` finds or creates them
 * (identity.created in the same transaction), `link-only` refuses an
 * unknown person with EXCHANGE.PERSON_UNKNOWN, `deny` maps nobody
 * (EXCHANGE.PROVISIONING_DENIED). Display name and username are stored for
 * people to read; nothing is ever decided on them.
 */
@Injectable()
export class MapIdentityUseCase {
  constructor(private readonly identities: IdentityRepository) {}

  /**
   * The mapping when it needs no write (a known person whose attributes the
   * sighting leaves as they are, or `deny`), found without a transaction;
   * undefined when {@link execute} must run in one.
   */
  async withoutWrite(sighting: IdentitySighting, mode: ProvisioningMode): Promise<MappedIdentity | undefined> {
    if (mode === 'deny') return { ok: false, code: 'EXCHANGE.PROVISIONING_DENIED' };
    const known = await this.identities.findUnchanged(sighting);
    return known && { ok: true, personId: known.personId, created: false };
  }

  async execute(sighting: IdentitySighting, mode: ProvisioningMode, tx?: SqlExecutor): Promise<MappedIdentity> {
    if (mode === 'deny') return { ok: false, code: 'EXCHANGE.PROVISIONING_DENIED' };
    const resolved = await this.identities.findOrCreate(tx, sighting, mode);
    if (!resolved) return { ok: false, code: 'EXCHANGE.PERSON_UNKNOWN' };
    return { ok: true, personId: resolved.identity.personId, created: resolved.created };
  }
}
