/**
 * Test factories (`@latchkey/contracts/testing`): valid data for every
 * event contract, valid token claims, and full envelopes. Each call returns
 * fresh ids; pass overrides for what a test cares about.
 */
import { randomUUID } from 'node:crypto';
import { createEnvelope, type EnvelopeOptions } from './lib/create-envelope';
import type { EventData, EventDefinition, EventInput } from './lib/define-event';
import type { EventEnvelope } from './lib/envelope';
import type { InternalAccessTokenClaims } from './lib/claims/internal-access-token.claims';
import type { LimitedAccessTokenClaims } from './lib/claims/limited-access-token.claims';
import { canonicalResourceId } from './lib/shared/azure-resource-id';
import {
  AbuseAlertV1,
  AbuseCaseV1,
  AccessRevocationV1,
  AuditCheckpointV1,
  ExchangeCompletedV1,
  ExchangeDeniedV1,
  IdentityCreatedV1,
  LatIssueDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  RbacChangedV1,
  RbacDeniedV1,
} from './lib/events';

/** The `source` of envelopes made by {@link anEnvelope}. */
export const TEST_SOURCE = '/latchkey/test';

type Input<E extends EventDefinition> = EventInput<E>;
type Overrides<E extends EventDefinition> = Partial<EventInput<E>>;

const HOUR_MS = 3_600_000;

function isoIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

function shortId(): string {
  return randomUUID().slice(0, 8);
}

/** A canonical (lower-case) Azure resource id of a Face resource in a fresh subscription. */
export function aResourceId(): string {
  return canonicalResourceId(
    `/subscriptions/${randomUUID()}/resourceGroups/rg-test/providers/Microsoft.CognitiveServices/accounts/face-${shortId()}`,
  );
}

/** A W3C trace id. */
export function aTraceId(): string {
  return randomUUID().replace(/-/g, '');
}

/** Data of a `lat.issued` event: a one-hour token for Face.Identification. */
export function aLatIssued(overrides: Overrides<typeof LatIssuedV1> = {}): Input<typeof LatIssuedV1> {
  return {
    jti: randomUUID(),
    isvId: `isv-${shortId()}`,
    resourceId: aResourceId(),
    features: ['Face.Identification'],
    issuedAt: isoIn(0),
    expiresAt: isoIn(HOUR_MS),
    keyId: `key-${shortId()}`,
    ...overrides,
  };
}

/** Data of a `lat.issue-denied` event: a known ISV asking for a flag it was not granted. */
export function aLatIssueDenied(overrides: Overrides<typeof LatIssueDeniedV1> = {}): Input<typeof LatIssueDeniedV1> {
  return {
    isvId: `isv-${shortId()}`,
    resourceId: aResourceId(),
    requestedFeatures: ['LimitedAccess.HighRisk'],
    reason: 'ISSUER.FEATURE_NOT_GRANTED',
    clientIp: '203.0.113.7',
    userAgent: 'isv-backend/1.0',
    ...overrides,
  };
}

/** Data of a `lat.used` event: a served `face.identify`. */
export function aLatUsed(overrides: Overrides<typeof LatUsedV1> = {}): Input<typeof LatUsedV1> {
  return {
    jti: randomUUID(),
    isvId: `isv-${shortId()}`,
    resourceId: aResourceId(),
    operation: 'face.identify',
    feature: 'Face.Identification',
    outcome: 'served',
    clientIp: '198.51.100.20',
    userAgent: 'client-app/2.1',
    traceId: aTraceId(),
    ...overrides,
  };
}

/** Data of a `lat.rejected` event: an expired token on `face.verify`. */
export function aLatRejected(overrides: Overrides<typeof LatRejectedV1> = {}): Input<typeof LatRejectedV1> {
  return {
    jti: randomUUID(),
    isvId: `isv-${shortId()}`,
    resourceId: aResourceId(),
    operation: 'face.verify',
    feature: 'Face.Verification',
    reason: 'LAT.EXPIRED',
    clientIp: '198.51.100.21',
    userAgent: null,
    traceId: aTraceId(),
    ...overrides,
  };
}

/** Data of an `exchange.completed` event. */
export function anExchangeCompleted(
  overrides: Overrides<typeof ExchangeCompletedV1> = {},
): Input<typeof ExchangeCompletedV1> {
  return {
    jti: randomUUID(),
    personId: randomUUID(),
    tenantId: randomUUID(),
    objectId: randomUUID(),
    clientId: `app-${shortId()}`,
    scopes: ['reports.read'],
    sourceTokenId: shortId(),
    expiresAt: isoIn(HOUR_MS),
    ...overrides,
  };
}

/** Data of an `exchange.denied` event: a scope the application may not ask for. */
export function anExchangeDenied(overrides: Overrides<typeof ExchangeDeniedV1> = {}): Input<typeof ExchangeDeniedV1> {
  return {
    clientId: `app-${shortId()}`,
    tenantId: randomUUID(),
    reason: 'EXCHANGE.SCOPE_NOT_ALLOWED',
    clientIp: '192.0.2.10',
    ...overrides,
  };
}

/** Data of an `identity.created` event. */
export function anIdentityCreated(
  overrides: Overrides<typeof IdentityCreatedV1> = {},
): Input<typeof IdentityCreatedV1> {
  return {
    personId: randomUUID(),
    tenantId: randomUUID(),
    objectId: randomUUID(),
    displayName: 'Test Person',
    ...overrides,
  };
}

/** Data of an `rbac.changed` event: a role assigned to a person. */
export function anRbacChanged(overrides: Overrides<typeof RbacChangedV1> = {}): Input<typeof RbacChangedV1> {
  return {
    change: 'assignment.added',
    ids: { roleId: `role-${shortId()}`, subjectId: randomUUID() },
    version: 1,
    ...overrides,
  };
}

/** Data of an `rbac.denied` event: a person lacking a permission. */
export function anRbacDenied(overrides: Overrides<typeof RbacDeniedV1> = {}): Input<typeof RbacDeniedV1> {
  return {
    subject: randomUUID(),
    subjectKind: 'person',
    permission: 'reports.read',
    scope: 'reports.read',
    endpoint: 'GET /api/services/v1/reports',
    reason: 'RBAC.PERMISSION_DENIED',
    ...overrides,
  };
}

/** Data of an `abuse.alert` event: a token used on a foreign resource. */
export function anAbuseAlert(overrides: Overrides<typeof AbuseAlertV1> = {}): Input<typeof AbuseAlertV1> {
  const resourceId = aResourceId();
  return {
    alertId: randomUUID(),
    ruleId: 'foreign-resource',
    severity: 'high',
    subject: { kind: 'resource', id: resourceId },
    isvId: `isv-${shortId()}`,
    resourceId,
    count: 3,
    evidenceEventIds: [randomUUID(), randomUUID(), randomUUID()],
    explanation: 'a token issued for one resource was presented on another',
    firstSeenAt: isoIn(-60_000),
    lastSeenAt: isoIn(0),
    ...overrides,
  };
}

/** Data of an `abuse.case` event: a case just opened by an alert about one client, deadline in a day. */
export function anAbuseCase(overrides: Overrides<typeof AbuseCaseV1> = {}): Input<typeof AbuseCaseV1> {
  return {
    caseId: randomUUID(),
    transition: 'opened',
    status: 'open',
    isvId: `isv-${shortId()}`,
    resourceId: aResourceId().toLowerCase(),
    severity: 'critical',
    alertId: randomUUID(),
    actor: { kind: 'detector', id: 'abuse-detector' },
    reason: 'a token issued for this client was presented on another resource',
    deadlineAt: isoIn(86_400_000),
    at: isoIn(0),
    ...overrides,
  };
}

/** Data of an `access.revocation` event: an ISV client revoked by a rule, as of now. */
export function anAccessRevocation(
  overrides: Overrides<typeof AccessRevocationV1> = {},
): Input<typeof AccessRevocationV1> {
  return {
    subject: { kind: 'isv-client', isvId: `isv-${shortId()}`, resourceId: aResourceId() },
    notBefore: isoIn(0),
    action: 'revoke',
    reason: 'ABUSE.FOREIGN_RESOURCE',
    alertId: randomUUID(),
    actor: 'rule:foreign-resource',
    ...overrides,
  };
}

/** Data of an `audit.checkpoint` event (its JWS is well-formed, not signed by any real key). */
export function anAuditCheckpoint(overrides: Overrides<typeof AuditCheckpointV1> = {}): Input<typeof AuditCheckpointV1> {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    issuer: 'https://audit.latchkey.test',
    treeSize: 42,
    headHash: 'a'.repeat(64),
    checkpoint: `${segment({ alg: 'EdDSA', typ: 'lk-audit-checkpoint+jwt' })}.${segment({ tree_size: 42 })}.${'s'.repeat(86)}`,
    ...overrides,
  };
}

/** Valid claims of a limited access token: one hour, Face.Identification. */
export function aLatClaims(overrides: Partial<LimitedAccessTokenClaims> = {}): LimitedAccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  const resourceId = aResourceId();
  return {
    iss: 'https://latchkey.test/sts',
    aud: resourceId,
    sub: resourceId,
    isv: `isv-${shortId()}`,
    features: ['Face.Identification'],
    iat: now,
    nbf: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...overrides,
  };
}

/** Valid claims of an internal access token: one hour, `reports.read`. */
export function anAccessTokenClaims(overrides: Partial<InternalAccessTokenClaims> = {}): InternalAccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: 'https://latchkey.test/exchange',
    aud: 'https://latchkey.test/api',
    sub: randomUUID(),
    client_id: `app-${shortId()}`,
    scope: 'reports.read',
    oid: randomUUID(),
    tid: randomUUID(),
    iat: now,
    exp: now + 3600,
    jti: randomUUID(),
    ...overrides,
  };
}

/** The data factory of each platform event, by CloudEvents type. */
const FACTORIES: ReadonlyMap<string, () => object> = new Map<string, () => object>([
  [LatIssuedV1.type, aLatIssued],
  [LatIssueDeniedV1.type, aLatIssueDenied],
  [LatUsedV1.type, aLatUsed],
  [LatRejectedV1.type, aLatRejected],
  [ExchangeCompletedV1.type, anExchangeCompleted],
  [ExchangeDeniedV1.type, anExchangeDenied],
  [IdentityCreatedV1.type, anIdentityCreated],
  [RbacChangedV1.type, anRbacChanged],
  [RbacDeniedV1.type, anRbacDenied],
  [AbuseAlertV1.type, anAbuseAlert],
  [AbuseCaseV1.type, anAbuseCase],
  [AccessRevocationV1.type, anAccessRevocation],
  [AuditCheckpointV1.type, anAuditCheckpoint],
]);

/** The factory for `definition`'s data, if it is a platform event. */
export function factoryFor(definition: EventDefinition): (() => object) | undefined {
  return FACTORIES.get(definition.type);
}

/**
 * A full, valid envelope of `definition` via `createEnvelope`, source
 * {@link TEST_SOURCE}. Data comes from the event's factory merged with
 * `overrides`; for an event without a factory (one a test defines),
 * `overrides` must be the whole data. Throws, like `createEnvelope`, when
 * the result does not validate.
 */
export function anEnvelope<E extends EventDefinition>(
  definition: E,
  overrides: Overrides<E> = {},
  options: Partial<EnvelopeOptions> = {},
): EventEnvelope<EventData<E>> {
  const base = factoryFor(definition)?.() ?? {};
  const data = { ...base, ...overrides } as EventInput<E>;
  return createEnvelope(definition, data, { source: TEST_SOURCE, ...options });
}
