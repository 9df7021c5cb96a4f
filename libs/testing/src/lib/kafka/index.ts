export {
  KAFKA_VERSION,
  KafkaBroker,
  ensureKafkaJars,
  findRepoRoot,
  freePort,
  type EnsureJarsOptions,
  type KafkaBrokerOptions,
} from './kafka-broker';
