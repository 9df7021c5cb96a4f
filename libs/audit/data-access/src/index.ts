import { join } from 'node:path';

export * from './lib/audit.table';
export { chainHash, GENESIS_HASH, type ChainedEvent, type StoredChainRow } from './lib/audit-chain';
export {
  firstBrokenLink,
  verifyAuditLog,
  verifyChain,
  type AuditLogEvidence,
  type AuditLogVerdict,
  type ChainCheckpoint,
  type ChainTampering,
  type ChainVerdict,
  type SequencedChainRow,
} from './lib/audit-verification';
export { AUDIT_CHAIN_LOCK, AuditEventRepository, type AuditRecord, type ChainHead } from './lib/audit-event.repository';
export { AuditCheckpointRepository, type StoredCheckpoint } from './lib/audit-checkpoint.repository';
export { AuditRetentionRepository, PRUNE_STEP_ROWS, type PruneBoundary } from './lib/audit-retention.repository';
export { DeadLetterRepository, type DeadLetterCount, type DeadLetterRecord } from './lib/dead-letter.repository';
export { EvidenceFormatError, readEvidence, readEvidenceFromDatabase, readEvidenceFromNdjson } from './lib/audit-evidence';
export { AUDIT_OUTCOMES, type AuditOutcome } from './lib/audit-facets';
export { AUDIT_EVENT_NAMES, resolveAuditEventTypes, type ResolvedEventTypes } from './lib/audit-event-types';
export { decodeAuditCursor, encodeAuditCursor, type AuditCursor, type AuditOrder } from './lib/audit-cursor';
export {
  AuditQueryRepository,
  AUDIT_QUERY_TIME_RANGE,
  isQueryableInstant,
  MAX_AUDIT_PAGE_SIZE,
  type AuditCheckpointRecord,
  type AuditEventFilter,
  type AuditEventPage,
  type AuditEventRecord,
} from './lib/audit-query.repository';
export { foldUsage, USAGE_TYPES, type UsageCountRow, type UsageSummary } from './lib/audit-usage';
export { exportedCheckpointLine, exportedEventLine, exportedEventRow, type ExportedEventRow } from './lib/audit-export';
export { IssuedJtiRepository } from './lib/issued-jti.repository';

/** The audit service's Postgres schema and its checked-in migrations. */
export const AUDIT_SCHEMA = 'audit';
export const AUDIT_MIGRATIONS = join(__dirname, '..', 'migrations');
