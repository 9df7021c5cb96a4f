import { Logger, Optional } from '@nestjs/common';
import { ALL_EVENTS, AuditCheckpointV1 } from '@latchkey/contracts';
import { AuditEventRepository, type AuditRecord } from '@latchkey/audit/data-access';
import { redactSecretShapes } from '@latchkey/tokens';
import { EventConsumer, NonRetriableEventError, type HandlesEventBatches, type ReceivedEvent } from '@latchkey/messaging';
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
 */
@EventConsumer({
  group: 'audit.ingest',
  events: AUDITED_EVENTS,
  batch: { maxSize: INGEST_BATCH_SIZE, concurrency: 3 },
  maxAttempts: INGEST_MAX_ATTEMPTS,
})
export class AuditIngestConsumer implements HandlesEventBatches {
  private readonly logger = new Logger(AuditIngestConsumer.name);

  constructor(
    private readonly events: AuditEventRepository,
    @Optional() private readonly checkpoints?: AuditCheckpointer,
  ) {}

  async handleBatch(batch: readonly ReceivedEvent[]): Promise<void> {
    const records = batch.map((event) => this.toRecord(event));
    let appended: number;
    try {
      appended = await this.events.appendBatch(records);
    } catch (error) {
      if (!isDataException(error)) throw error;
      // The SQLSTATE only: a driver's message can quote the refused value.
      const code = String((error as { code: string }).code);
      throw new NonRetriableEventError('AUDIT.EVENT_UNSTORABLE', `the database refused the event as data (SQLSTATE ${code})`, { cause: error });
    }
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
