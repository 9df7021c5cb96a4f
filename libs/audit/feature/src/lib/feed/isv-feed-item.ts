import { AccessRevocationV1, LatIssueDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';
import type { AuditEventRecord } from '@latchkey/audit/data-access';

/** One event as an ISV sees it in its feed. */
export interface IsvFeedItem {
  /** The CloudEvents id: stable, for de-duplication on the ISV's side. */
  readonly id: string;
  /** The short name: `lat.issued`, `lat.issue-denied`, `lat.used`, `lat.rejected`, `access.revocation`. */
  readonly type: string;
  readonly time: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * The fields of each event an ISV may see, by CloudEvents type: an
 * allowlist, so a field added to a contract later stays internal until it
 * is listed here. Everything shown is about the ISV's own delegations:
 * its issuance requests, its tokens' uses and refusals, revocations of it or
 * of its clients. Deliberately left out: a revocation's `actor` and
 * `alertId` (operators and detection internals), and the chain's
 * `seq`/hashes/`source`. The client address and user agent are shown: they
 * are the ISV's own backend (issuance) or the callers of its own tokens
 * (use, rejection), which the ISV needs to tell its client from a thief.
 */
const VISIBLE: ReadonlyMap<string, readonly string[]> = new Map([
  [LatIssuedV1.type, ['jti', 'resourceId', 'features', 'issuedAt', 'expiresAt', 'lifetimeSeconds', 'keyId', 'cnfJkt', 'clientIp', 'userAgent']],
  [LatIssueDeniedV1.type, ['resourceId', 'requestedFeatures', 'reason', 'clientIp', 'userAgent']],
  [LatUsedV1.type, ['jti', 'resourceId', 'operation', 'feature', 'outcome', 'clientIp', 'userAgent', 'traceId']],
  [LatRejectedV1.type, ['jti', 'resourceId', 'operation', 'feature', 'reason', 'clientIp', 'userAgent', 'traceId']],
  [AccessRevocationV1.type, ['subject', 'action', 'notBefore', 'reason']],
]);

/** The feed's view of a stored event, or undefined for an event the feed never shows. */
export function isvFeedItemOf(record: AuditEventRecord): IsvFeedItem | undefined {
  const fields = VISIBLE.get(record.type);
  if (fields === undefined || typeof record.data !== 'object' || record.data === null) return undefined;
  const data = record.data as Record<string, unknown>;
  const visible: Record<string, unknown> = {};
  for (const field of fields) if (data[field] !== undefined) visible[field] = data[field];
  return { id: record.eventId, type: record.topic, time: record.time.toISOString(), data: visible };
}
