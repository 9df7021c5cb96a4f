import { Injectable } from '@nestjs/common';
import { RbacChangedV1, type RbacChangeKind } from '@latchkey/contracts';
import { OutboxWriter } from '@latchkey/messaging';
import type { Transaction } from '@latchkey/persistence';
import { PolicyVersionRepository } from '@latchkey/rbac/data-access';

/** The ids a change touches, named `<thing>Id`. */
export type ChangedIds = Readonly<Record<string, string>>;

/**
 * How every policy change is made: {@link lock} first in the change's
 * transaction (changes are serialised), then {@link publish}: the next
 * version from the database sequence and one `rbac.changed` in the outbox,
 * committed with the change or not at all.
 */
@Injectable()
export class PolicyChanges {
  constructor(
    private readonly versions: PolicyVersionRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** Takes the policy lock for the rest of the transaction; returns the committed version. */
  lock(tx: Transaction): Promise<number> {
    return this.versions.lock(tx.drizzle);
  }

  /** Records one change: a new version and its `rbac.changed` event, in `tx`. */
  async publish(tx: Transaction, change: RbacChangeKind, ids: ChangedIds): Promise<number> {
    const version = await this.versions.advance(tx.drizzle);
    await this.outbox.write(tx, RbacChangedV1, { change, ids: { ...ids }, version });
    return version;
  }
}
