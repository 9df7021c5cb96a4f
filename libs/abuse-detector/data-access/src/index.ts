import { join } from 'node:path';

export * from './lib/abuse-detector.table';
export { UsageCounterRepository, type UseOutcome } from './lib/usage-counter.repository';
export {
  AlertRepository,
  ALERT_SEVERITY_ORDER,
  ALERT_STATUSES,
  MAX_EVIDENCE,
  mergeEvidence,
  type AcknowledgeOutcome,
  type Alert,
  type AlertFilter,
  type AlertObservation,
  type AlertStatus,
  type ObservedAlert,
  type StoredSeverity,
} from './lib/alert.repository';
export {
  ACTIVE_CASE_STATUSES,
  CaseRepository,
  type AbuseCase,
  type CaseActor,
  type CaseFilter,
  type CaseHistoryEntry,
  type CaseStatus,
  type CaseTransition,
} from './lib/case.repository';
export { WebhookRepository, type DeliveryRecord, type DeliveryStatus, type DueDelivery, type IsvWebhook } from './lib/webhook.repository';
export { IssuedTokenRepository, type IssuedToken } from './lib/issued-token.repository';
export { RevocationLedgerRepository, type RevocationEntry } from './lib/revocation-ledger.repository';
export {
  IsvActivityRepository,
  MAX_ACTIVITY_MINUTES,
  minuteOf,
  type IsvActivityEvent,
  type IsvActivityKind,
  type IsvActivityPoint,
} from './lib/isv-activity.repository';

/** The abuse detector's Postgres schema and its checked-in migrations. */
export const ABUSE_DETECTOR_SCHEMA = 'abuse_detector';
export const ABUSE_DETECTOR_MIGRATIONS = join(__dirname, '..', 'migrations');
