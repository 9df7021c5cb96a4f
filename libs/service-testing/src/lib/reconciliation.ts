/**
 * Comparing what clients were answered with what the audit stored: the tally and the keys shared by the audit's
 * reconciliation test and the fault suite. A key is everything a client knows about an event (never its event id,
 * which only the platform knows), so a stored row matches the answer it stands for and nothing else.
 */

/** A stored row of audit.events, in the columns the reconciliation reads. */
export type StoredEvent = {
  event_id: string;
  type: string;
  data: Record<string, unknown>;
};

/** Where a store departs from what was expected: keys missing, stored more often than expected, or unexpected. */
export interface Discrepancies {
  readonly missing: string[];
  readonly duplicated: string[];
  readonly unexpected: string[];
}

/** No departure at all: what `discrepancies` returns for a store that holds exactly what was expected. */
export const NO_DISCREPANCIES: Discrepancies = { missing: [], duplicated: [], unexpected: [] };

/** How often each key occurs in `keys`. */
export function tally(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Where `stored` departs from `expected`, each key counted as often as it occurs. */
export function discrepancies(expected: readonly string[], stored: readonly string[]): Discrepancies {
  const want = tally(expected);
  const have = tally(stored);
  return {
    missing: [...want.keys()].filter((key) => !have.has(key)),
    duplicated: [...have].filter(([key, n]) => n > (want.get(key) ?? n)).map(([key, n]) => `${key} ×${n}`),
    unexpected: [...have.keys()].filter((key) => !want.has(key)),
  };
}

const sorted = (list: unknown): string => [...(list as string[])].sort().join(',');

/** A `lat.issued` as its client knows it: the token's jti, who asked, for which resource and flags. */
export const issuedKey = (d: Record<string, unknown>): string =>
  `${String(d['jti'])} ${String(d['isvId'])} ${String(d['resourceId'])} ${sorted(d['features'])}`;

/** A `lat.used` as its client knows it: the token, the trace id it sent, and what it asked for. */
export const usedKey = (d: Record<string, unknown>): string =>
  `${String(d['jti'])} ${String(d['traceId'])} ${String(d['isvId'])} ${String(d['resourceId'])} ${String(d['operation'])} ${String(d['feature'])}`;

/** A `lat.issue-denied` as its client knows it: who asked, for which resource and flags, and why it was refused. */
export const deniedKey = (d: Record<string, unknown>): string =>
  `${String(d['isvId'])} ${String(d['resourceId'])} ${sorted(d['requestedFeatures'])} ${String(d['reason'])}`;

/** The keys of `rows` of one event type. */
export const storedKeys = (rows: readonly StoredEvent[], type: string, key: (d: Record<string, unknown>) => string): string[] =>
  rows.filter((r) => r.type === type).map((r) => key(r.data));
