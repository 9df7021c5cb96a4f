import { LatIssueDeniedV1, LatIssuedV1, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';

/** The events a usage summary counts. */
export const USAGE_TYPES: readonly string[] = [LatIssuedV1.type, LatUsedV1.type, LatIssueDeniedV1.type, LatRejectedV1.type];

/** Usage of one client resource of one ISV on one UTC day. */
export interface UsageSummary {
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  /** Null for denials whose caller matched no ISV (an unknown subscription key, a token naming none). */
  readonly isvId: string | null;
  /** Lower case; null for denials that named no valid resource. */
  readonly resourceId: string | null;
  /** lat.issued events. */
  readonly issued: number;
  /** lat.used events (gated calls served). */
  readonly used: number;
  /** lat.issue-denied plus lat.rejected events. */
  readonly denied: number;
  /**
   * Denials per feature flag they concerned: a rejected use's `feature`, an
   * issuance denial's requested flags (unknown ones too: probing shows here).
   * A denial naming several flags counts under each, one naming none under
   * none, so this need not sum to `denied`.
   */
  readonly deniedByFeature: Readonly<Record<string, number>>;
  /** Denials per reason code; sums to `denied`. */
  readonly deniedByReason: Readonly<Record<string, number>>;
  /** Served uses per feature flag; sums to `used`. */
  readonly usedByFeature: Readonly<Record<string, number>>;
}

/**
 * One row of the usage query: a count of events of one type for one (ISV,
 * resource, day), in total (`no_feature` and `no_reason` both 1), per
 * feature (`no_feature` 0) or per reason (`no_reason` 0): SQL GROUPING SETS.
 */
export interface UsageCountRow extends Record<string, unknown> {
  readonly isv_id: string | null;
  readonly resource_id: string | null;
  readonly day: string;
  readonly type: string;
  readonly feature: string | null;
  readonly reason: string | null;
  readonly no_feature: number | string;
  readonly no_reason: number | string;
  readonly n: number | string;
}

type Mutable = {
  -readonly [K in keyof UsageSummary]: UsageSummary[K] extends Readonly<Record<string, number>> ? Record<string, number> : UsageSummary[K];
};

const DENIALS = new Set<string>([LatIssueDeniedV1.type, LatRejectedV1.type]);

function bump(counts: Record<string, number>, key: string | null, n: number): void {
  if (key !== null) counts[key] = (counts[key] ?? 0) + n;
}

/** Folds the grouped counts into one summary per (day, ISV, resource), ordered by day, then ISV, then resource (nulls last). */
export function foldUsage(rows: readonly UsageCountRow[]): UsageSummary[] {
  const summaries = new Map<string, Mutable>();
  for (const row of rows) {
    const key = JSON.stringify([row.day, row.isv_id, row.resource_id]);
    let summary = summaries.get(key);
    if (summary === undefined) {
      summary = {
        day: row.day,
        isvId: row.isv_id,
        resourceId: row.resource_id,
        issued: 0,
        used: 0,
        denied: 0,
        deniedByFeature: {},
        deniedByReason: {},
        usedByFeature: {},
      };
      summaries.set(key, summary);
    }
    const n = Number(row.n);
    const total = Number(row.no_feature) === 1 && Number(row.no_reason) === 1;
    const byFeature = Number(row.no_feature) === 0;
    const byReason = Number(row.no_reason) === 0;
    if (row.type === LatIssuedV1.type) {
      if (total) summary.issued += n;
    } else if (row.type === LatUsedV1.type) {
      if (total) summary.used += n;
      else if (byFeature) bump(summary.usedByFeature, row.feature, n);
    } else if (DENIALS.has(row.type)) {
      if (total) summary.denied += n;
      else if (byFeature) bump(summary.deniedByFeature, row.feature, n);
      else if (byReason) bump(summary.deniedByReason, row.reason, n);
    }
  }
  const order = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  return [...summaries.values()].sort((a, b) => order(a.day, b.day) || order(a.isvId, b.isvId) || order(a.resourceId, b.resourceId));
}
