/**
 * Kafka topic names. Topics are unversioned; the CloudEvents `type` of each
 * event carries the schema version (STYLE.md "Naming").
 */
export const Topics = {
  LatIssued: 'lat.issued',
  LatIssueDenied: 'lat.issue-denied',
  LatUsed: 'lat.used',
  LatRejected: 'lat.rejected',
  ExchangeCompleted: 'exchange.completed',
  ExchangeDenied: 'exchange.denied',
  IdentityCreated: 'identity.created',
  RbacChanged: 'rbac.changed',
  RbacDenied: 'rbac.denied',
  AbuseAlert: 'abuse.alert',
  AbuseCase: 'abuse.case',
  AccessRevocation: 'access.revocation',
  AuditCheckpoint: 'audit.checkpoint',
} as const;

/** One of the platform's topics. */
export type Topic = (typeof Topics)[keyof typeof Topics];

/** Every topic, in a stable order (topic creation, audit ingestion). */
export const ALL_TOPICS: readonly Topic[] = Object.values(Topics);

/** The dead-letter topic of `topic`: where events that cannot be handled go, with the reason. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}
