import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { IssuanceRepository, type IssuanceRecord } from '@latchkey/issuer/data-access';
import { OutboxWriter, type OutboxEntry } from '@latchkey/messaging';
import { Database, GroupCommit } from '@latchkey/persistence';

/** What one request leaves behind: an issuance row (when a token is issued) and its events. */
interface JournalEntry {
  readonly issuance?: IssuanceRecord;
  readonly events: readonly OutboxEntry[];
}

/**
 * The issuer's durable record: issuance rows and their `lat.issued` events,
 * and `lat.issue-denied` events. Entries that arrive together commit in one
 * transaction with multi-row INSERTs (group commit), and each caller is
 * answered only after its entry committed, so "recorded before the token
 * leaves" holds at a fraction of the round trips per token.
 */
@Injectable()
export class IssuanceJournal implements BeforeApplicationShutdown {
  private readonly committer: GroupCommit<JournalEntry>;

  constructor(db: Database, issuances: IssuanceRepository, outbox: OutboxWriter) {
    this.committer = new GroupCommit(db, async (tx, entries) => {
      await issuances.record(
        tx,
        entries.flatMap((e) => (e.issuance ? [e.issuance] : [])),
      );
      await outbox.insert(
        tx,
        entries.flatMap((e) => e.events),
      );
    });
  }

  /** Resolves once the issuance and its event are committed together. */
  recordIssuance(issuance: IssuanceRecord, issued: OutboxEntry): Promise<void> {
    return this.committer.submit({ issuance, events: [issued] });
  }

  /** Resolves once the denial event is committed. */
  recordDenial(denied: OutboxEntry): Promise<void> {
    return this.committer.submit({ events: [denied] });
  }

  /** Requests still being answered finish their commits before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.committer.drained();
  }
}
