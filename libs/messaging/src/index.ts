export type {
  Transport,
  TransportMessage,
  DeliveredMessage,
  ConsumerHandle,
  ConsumeSpec,
  MessageHandler,
  BatchHandler,
  PartitionProgress,
} from './lib/transport/transport';
export { PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS } from './lib/transport/transport';
export { DeadlineExceededError } from './lib/transport/deadline';
export { envelopeToMessage, messageToRawEnvelope } from './lib/codec/cloudevents-codec';
export { InProcessBroker, BrokerUnavailableError } from './lib/in-process/in-process-broker';
export { InProcessTransport } from './lib/in-process/in-process-transport';
export { KafkaTransport, type KafkaTransportOptions } from './lib/kafka/kafka-transport';
export {
  EventBus,
  platformTopics,
  type BatchSubscription,
  type EventBusOptions,
  type PublishOptions,
  type Subscription,
  type BusHealth,
} from './lib/event-bus';
export { isEvent, type ReceivedEvent } from './lib/consumer/consumer-pipeline';
export { NonRetriableEventError } from './lib/consumer/handler-errors';
export { DlqHeaders } from './lib/consumer/dead-letter';
export { OutboxWriter } from './lib/outbox/outbox-writer';
export type { OutboxEntry } from './lib/outbox/outbox-writer';
export { OutboxRelay, type OutboxRelayOptions } from './lib/outbox/outbox-relay';
export { Inbox } from './lib/outbox/inbox';
export type { SqlRunner, TransactionalSql } from './lib/outbox/sql';
export { MessagingModule, type MessagingModuleOptions } from './lib/nest/messaging.module';
export {
  EventConsumer,
  type EventConsumerOptions,
  type HandlesEventBatches,
  type HandlesEvents,
  type RewindsOnStart,
} from './lib/nest/event-consumer.decorator';
export {
  AcknowledgedPublisher,
  type AcknowledgedPublisherOptions,
  type PublishReceipt,
  type RecordingHealth,
} from './lib/spool/acknowledged-publisher';
export { DurableSpool, type DurableSpoolOptions, type SpoolSegment, type SpoolStats } from './lib/spool/durable-spool';
export { SpoolDrainer, type SpoolDrainerOptions, type DrainError } from './lib/spool/spool-drainer';
export { PublishRefusedError, SpoolFullError, MESSAGING_UNRECORDABLE, type RefusalReason } from './lib/spool/spool.errors';
export type { SpooledEvent } from './lib/spool/spool-record';
export { spoolConfig, spoolSettings, type SpoolSettings } from './lib/spool/spool.config';
export { SpoolModule, type SpoolModuleOptions } from './lib/spool/spool.module';
