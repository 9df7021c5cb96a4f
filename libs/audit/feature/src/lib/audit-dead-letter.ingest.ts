import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DeadLetterRepository } from '@latchkey/audit/data-access';
import { redactSecretShapes } from '@latchkey/tokens';
import { ALL_TOPICS, dlqTopic } from '@latchkey/contracts';
import { DlqHeaders, EventBus, type DeliveredMessage } from '@latchkey/messaging';

/** The consumer group reading every dead-letter topic. */
export const DEAD_LETTER_GROUP = 'audit.dead-letters';

/**
 * Keeps every dead-lettered message of the platform (every topic's `.dlq`),
 * counted apart from the chain: its origin, the consumer that gave up, the
 * code and reason, and a digest of its bytes. The messages are consumed as
 * delivered (they are the ones that did not decode), and the offset is
 * committed once the row is stored.
 */
@Injectable()
export class AuditDeadLetterIngest implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuditDeadLetters');

  constructor(
    private readonly bus: EventBus,
    private readonly letters: DeadLetterRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribeRaw({ group: DEAD_LETTER_GROUP, topics: ALL_TOPICS.map(dlqTopic), handle: (message) => this.store(message) });
  }

  async store(message: DeliveredMessage): Promise<void> {
    const header = (name: string): string | null => message.headers[name] ?? null;
    const time = header(DlqHeaders.time);
    const reason = redactSecretShapes(header(DlqHeaders.reason) ?? '(none given)').value as string;
    const stored = await this.letters.record({
      sourceTopic: header(DlqHeaders.sourceTopic) ?? message.topic.replace(/\.dlq$/, ''),
      sourcePartition: Number(header(DlqHeaders.sourcePartition) ?? -1),
      // Without the producer's headers, the dead-letter message's own place keeps the row unique.
      sourceOffset: header(DlqHeaders.sourceOffset) ?? `dlq:${message.partition}:${message.offset}`,
      consumerGroup: header(DlqHeaders.group) ?? '(unknown)',
      code: header(DlqHeaders.code) ?? '(unknown)',
      reason: reason.slice(0, 500),
      eventId: header('ce_id')?.slice(0, 128) ?? null,
      eventType: header('ce_type')?.slice(0, 128) ?? null,
      valueSha256: createHash('sha256').update(message.value).digest('hex'),
      deadLetteredAt: time !== null && !Number.isNaN(Date.parse(time)) ? new Date(time) : null,
    });
    if (stored)
      this.logger.warn({
        msg: 'dead-lettered message recorded',
        topic: message.topic,
        code: header(DlqHeaders.code),
        group: header(DlqHeaders.group),
      });
  }
}
