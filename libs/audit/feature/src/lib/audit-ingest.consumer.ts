import { Logger, Optional } from '@nestjs/common';
import { ALL_EVENTS, AuditCheckpointV1 } from '@latchkey/contracts';
import { AuditEventRepository, type AuditRecord } from '@latchkey/audit/data-access';
import { redactSecretShapes } from '@latchkey/tokens';
import { EventConsumer, NonRetriableEventError, type HandlesEventBatches, type ReceivedEvent } from '@latchkey/messaging';
import { MicroBatcher, type BatchEntry } from '@latchkey/persistence';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';

/**
 * Every event the chain stores: all the platform's, except the audit
 * service's own checkpoints (statements about the chain, kept beside it in
 * audit.checkpoints and on their topic, not in it).
 */
export const AUDITED_EVENTS = ALL_EVENTS.filter((definition) => definition !== AuditCheckpointV1);

/**
 * Events per append transaction. Large enough that the chain lock and the
 * commit's fsync are paid once for hundreds of rows (see docs/BENCHMARKS.md,
 * audit ingest), small enough that one transaction stays well under a
 * second and a split batch (one bad row) replays few rows one by one.
 */
export const INGEST_BATCH_SIZE = 1000;

/**
 * Attempts of a failing batch before its events are appended one by one.
 * A database outage fails every attempt alike; the wait between attempts
 * is capped at 5 s, so this rides out about a minute of it before the
 * per-event fallback (which dead-letters what still fails, with the reason).
 */
const INGEST_MAX_ATTEMPTS = 15;

/**
 * Partitions whose batches are handled at once by one replica. Their batches
 * are appended together (see AuditIngestConsumer), so more of them in flight
 * means fewer, larger appends when events trickle in over many partitions.
 */
const INGEST_CONCURRENCY = 3;

/** PostgreSQL's data exceptions (SQLSTATE class 22, e.g. 22P05 for U+0000 in jsonb): the row itself is unstorable; retrying cannot help. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

/**
 * Stores every platform event once, in the hash chain, a batch per
 * transaction. Offsets are committed only after the batch's transaction
 * committed (the bus commits when this resolves), and the unique event id
 * absorbs redeliveries. Anything shaped like a credential in the event's
 * data or subject (a token pasted into a user agent, say) is stored as
 * `[redacted:<shape>]` and logged by path, never kept: the chain commits to
 * the redacted form. A row PostgreSQL refuses as data is non-retriable:
 * the bus then appends the batch's events one by one and dead-letters only
 * that one.
 *
 * The batches of the partitions in flight are appended together: while one
 * append runs, the batches that arrive wait and then go as one append (a
 * group commit). At a steady trickle over many partitions each batch is
 * small, and the append's fixed costs (a round trip, the chain's lock, the
 * commit's fsync) were paid per partition; now per group. A group whose
 * append the database refuses as data is appended again batch by batch, so
 * only the batch that holds the refused row fails.
 */
@EventConsumer({
  group: 'audit.ingest',
  events: AUDITED_EVENTS,
  batch: { maxSize: INGEST_BATCH_SIZE, concurrency: INGEST_CONCURRENCY },
  maxAttempts: INGEST_MAX_ATTEMPTS,
})
export class AuditIngestConsumer implements HandlesEventBatches {
  private readonly logger = new Logger(AuditIngestConsumer.name);
  // One append at a time per replica (the chain's lock admits one anyway); whatever queues meanwhile goes next, together.
  private readonly appends = new MicroBatcher<readonly AuditRecord[], void>((group) => this.appendGroup(group), {
    maxBatch: INGEST_CONCURRENCY,
    concurrency: 1,
  });

  constructor(
    private readonly events: AuditEventRepository,
    @Optional() private readonly checkpoints?: AuditCheckpointer,
  ) {}

  async handleBatch(batch: readonly ReceivedEvent[]): Promise<void> {
    const records = batch.map((event) => this.toRecord(event));
    try {
      await this.appends.submit(records);
    } catch (error) {
      if (!isDataException(error)) throw error;
      // The SQLSTATE only: a driver's message can quote the refused value.
      const code = String((error as { code: string }).code);
      throw new NonRetriableEventError('AUDIT.EVENT_UNSTORABLE', `the database refused the event as data (SQLSTATE ${code})`, { cause: error });
    }
  }

  /** Appends the partitions' batches as one; on a data exception, each alone (see the class comment). */
  private async appendGroup(group: readonly BatchEntry<readonly AuditRecord[], void>[]): Promise<void> {
    try {
      await this.append(group.flatMap((entry) => entry.item));
      group.forEach((entry) => entry.resolve());
    } catch (error) {
      if (group.length === 1 || !isDataException(error)) throw error;
      for (const entry of group) {
        await this.append(entry.item).then(entry.resolve, entry.reject);
      }
    }
  }

  private async append(records: readonly AuditRecord[]): Promise<void> {
    const appended = await this.events.appendBatch(records);
    if (appended > 0) this.checkpoints?.noteStored(appended);
    if (appended < records.length) this.logger.debug({ msg: 'duplicate events ignored', count: records.length - appended });
  }

  private toRecord({ envelope, topic }: ReceivedEvent): AuditRecord {
    const data = redactSecretShapes(envelope.data, '$.data');
    const subject = redactSecretShapes(envelope.subject ?? null, '$.subject');
    const findings = [...data.findings, ...subject.findings];
    if (findings.length > 0)
      this.logger.warn({ msg: 'secret-shaped values redacted before storing', eventId: envelope.id, type: envelope.type, findings });
    return {
      eventId: envelope.id,
      type: envelope.type,
      topic,
      source: envelope.source,
      subject: subject.value as string | null,
      time: envelope.time,
      data: data.value,
      traceparent: envelope.traceparent ?? null,
    };
  }
}
