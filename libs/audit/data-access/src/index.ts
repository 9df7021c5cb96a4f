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
export { AUDIT_CHAIN_LOCK, AuditEventRepository, type ChainHead } from './lib/audit-event.repository';
export { AuditCheckpointRepository, type StoredCheckpoint } from './lib/audit-checkpoint.repository';
export { DeadLetterRepository, type DeadLetterCount, type DeadLetterRecord } from './lib/dead-letter.repository';
export { findSecretShapes, redactSecretShapes, type SecretFinding, type SecretShape } from './lib/secret-shapes';
export { EvidenceFormatError, readEvidenceFromDatabase, readEvidenceFromNdjson } from './lib/audit-evidence';

/** The audit service's Postgres schema and its checked-in migrations. */
export const AUDIT_SCHEMA = 'audit';
export const AUDIT_MIGRATIONS = join(__dirname, '..', 'migrations');
