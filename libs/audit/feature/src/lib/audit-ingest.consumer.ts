import { Logger, Optional } from '@nestjs/common';
import { ALL_EVENTS, AuditCheckpointV1 } from '@latchkey/contracts';
import { AuditEventRepository, redactSecretShapes } from '@latchkey/audit/data-access';
import { EventConsumer, type HandlesEvents, type ReceivedEvent } from '@latchkey/messaging';
import { AuditCheckpointer } from './checkpoints/audit-checkpointer';

/**
 * Every event the chain stores: all the platform's, except the audit
 * service's own checkpoints (statements about the chain, kept beside it in
 * audit.checkpoints and on their topic, not in it).
 */
export const AUDITED_EVENTS = ALL_EVENTS.filter((definition) => definition !== AuditCheckpointV1);

/**
 * Stores every platform event once, in the hash chain. The offset is
 * committed only after the append's transaction committed (the bus commits
 * when this resolves), and the unique event id absorbs redeliveries.
 * Anything shaped like a credential in the event's data or subject (a token
 * pasted into a user agent, say) is stored as `[redacted:<shape>]` and
 * logged by path, never kept: the chain commits to the redacted form.
 */
@EventConsumer({ group: 'audit.ingest', events: AUDITED_EVENTS })
export class AuditIngestConsumer implements HandlesEvents {
  private readonly logger = new Logger(AuditIngestConsumer.name);

  constructor(
    private readonly events: AuditEventRepository,
    @Optional() private readonly checkpoints?: AuditCheckpointer,
  ) {}

  async handle(event: ReceivedEvent): Promise<void> {
    const { envelope } = event;
    const data = redactSecretShapes(envelope.data, '$.data');
    const subject = redactSecretShapes(envelope.subject ?? null, '$.subject');
    const findings = [...data.findings, ...subject.findings];
    if (findings.length > 0) this.logger.warn({ msg: 'secret-shaped values redacted before storing', eventId: envelope.id, type: envelope.type, findings });
    const appended = await this.events.append({
      eventId: envelope.id,
      type: envelope.type,
      topic: event.topic,
      source: envelope.source,
      subject: subject.value as string | null,
      time: envelope.time,
      data: data.value,
      traceparent: envelope.traceparent ?? null,
    });
    if (appended) this.checkpoints?.noteStored();
    else this.logger.debug({ msg: 'duplicate event ignored', eventId: envelope.id });
  }
}
