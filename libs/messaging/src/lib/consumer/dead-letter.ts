import { dlqTopic } from '@latchkey/contracts';
import type { DeliveredMessage, TransportMessage } from '../transport/transport';

/** Headers a dead-lettered message carries besides the original `ce_*` ones. */
export const DlqHeaders = {
  code: 'latchkey_dlq_code',
  reason: 'latchkey_dlq_reason',
  group: 'latchkey_dlq_group',
  sourceTopic: 'latchkey_dlq_source_topic',
  sourcePartition: 'latchkey_dlq_source_partition',
  sourceOffset: 'latchkey_dlq_source_offset',
  attempts: 'latchkey_dlq_attempts',
  time: 'latchkey_dlq_time',
} as const;

/** Why a message is dead-lettered. */
export interface DeadLetterReason {
  readonly code: string;
  readonly reason: string;
  readonly group: string;
  readonly attempts: number;
}

/** Reasons are kept short: they are operator hints, not payload copies. */
const MAX_REASON_LENGTH = 500;

/**
 * The dead-letter copy of `message`: same key, value and headers, so it can
 * be replayed as it was, plus where it came from and why it failed.
 */
export function deadLetterMessage(message: DeliveredMessage, why: DeadLetterReason, now: Date): TransportMessage {
  return {
    topic: dlqTopic(message.topic),
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DlqHeaders.code]: why.code,
      [DlqHeaders.reason]: why.reason.slice(0, MAX_REASON_LENGTH),
      [DlqHeaders.group]: why.group,
      [DlqHeaders.sourceTopic]: message.topic,
      [DlqHeaders.sourcePartition]: String(message.partition),
      [DlqHeaders.sourceOffset]: message.offset,
      [DlqHeaders.attempts]: String(why.attempts),
      [DlqHeaders.time]: now.toISOString(),
    },
  };
}
