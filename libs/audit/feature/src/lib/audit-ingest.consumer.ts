import { Logger } from '@nestjs/common';
import { ALL_EVENTS } from '@latchkey/contracts';
import { AuditEventRepository } from '@latchkey/audit/data-access';
import { EventConsumer, type HandlesEvents, type ReceivedEvent } from '@latchkey/messaging';

/**
 * Stores every platform event once, in the hash chain. The offset is
 * committed only after the append's transaction committed (the bus commits
 * when this resolves), and the unique event id absorbs redeliveries.
 */
@EventConsumer({ group: 'audit.ingest', events: ALL_EVENTS })
export class AuditIngestConsumer implements HandlesEvents {
  private readonly logger = new Logger(AuditIngestConsumer.name);

  constructor(private readonly events: AuditEventRepository) {}

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
    if (!appended) this.logger.debug({ msg: 'duplicate event ignored', eventId: envelope.id });
  }
}
