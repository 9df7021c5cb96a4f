import { Logger, Optional } from '@nestjs/common';
import { ALL_EVENTS, AuditCheckpointV1 } from '@latchkey/contracts';
import { AuditEventRepository } from '@latchkey/audit/data-access';
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
    const appended = await this.events.append({
      eventId: envelope.id,
      type: envelope.type,
      topic: event.topic,
      source: envelope.source,
      subject: envelope.subject ?? null,
      time: envelope.time,
      data: envelope.data,
      traceparent: envelope.traceparent ?? null,
    });
    if (appended) this.checkpoints?.noteStored();
    else this.logger.debug({ msg: 'duplicate event ignored', eventId: envelope.id });
  }
}
