import { EventRegistry } from '../registry';
import { AbuseAlertV1 } from './abuse-alert.v1';
import { AbuseCaseV1 } from './abuse-case.v1';
import { AccessRevocationV1 } from './access-revocation.v1';
import { AuditCheckpointV1 } from './audit-checkpoint.v1';
import { ExchangeCompletedV1 } from './exchange-completed.v1';
import { ExchangeDeniedV1 } from './exchange-denied.v1';
import { IdentityCreatedV1 } from './identity-created.v1';
import { LatIssueDeniedV1 } from './lat-issue-denied.v1';
import { LatIssuedV1 } from './lat-issued.v1';
import { LatRejectedV1 } from './lat-rejected.v1';
import { LatUsedV1 } from './lat-used.v1';
import { RbacChangedV1 } from './rbac-changed.v1';
import { RbacDeniedV1 } from './rbac-denied.v1';

export * from './abuse-alert.v1';
export * from './abuse-case.v1';
export * from './access-revocation.v1';
export * from './audit-checkpoint.v1';
export * from './exchange-completed.v1';
export * from './exchange-denied.v1';
export * from './identity-created.v1';
export * from './lat-issue-denied.v1';
export * from './lat-issued.v1';
export * from './lat-rejected.v1';
export * from './lat-used.v1';
export * from './rbac-changed.v1';
export * from './rbac-denied.v1';

/** Every event contract of the platform, one entry per CloudEvents type. */
export const ALL_EVENTS = [
  LatIssuedV1,
  LatIssueDeniedV1,
  LatUsedV1,
  LatRejectedV1,
  ExchangeCompletedV1,
  ExchangeDeniedV1,
  IdentityCreatedV1,
  RbacChangedV1,
  RbacDeniedV1,
  AbuseAlertV1,
  AbuseCaseV1,
  AccessRevocationV1,
  AuditCheckpointV1,
] as const;

/** One of the platform's event contracts. */
export type LatchkeyEventDefinition = (typeof ALL_EVENTS)[number];

/** The registry every consumer decodes through. */
export const eventRegistry = new EventRegistry(ALL_EVENTS);
