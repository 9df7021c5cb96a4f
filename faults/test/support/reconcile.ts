import { readEvidenceFromDatabase, verifyAuditLog } from '@latchkey/audit/data-access';
import { LatIssuedV1, LatUsedV1 } from '@latchkey/contracts';
import type { Database } from '@latchkey/persistence';
import { issuedKey, tally, usedKey, type StoredEvent } from '@latchkey/service-testing';
import { eventually } from '@latchkey/testing';
import type { PublicJwks } from '@latchkey/tokens';
import { AUDIT_URL } from './fleet';
import type { IssuanceRequest, LoadLedger } from './steady-load';

/** How long the audit may take to hold every answer once the load has stopped (spools and outboxes drain first). */
export const CATCH_UP_MS = 60_000;

/** Where the audit store departs from what the clients were answered; every list empty when it holds exactly that. */
export interface Reconciliation {
  /** Tokens answered 200 with no `lat.issued` row (or one that names another ISV, resource or flags). */
  readonly issuedMissing: string[];
  /** Gated requests answered 200 with no `lat.used` row that matches them. */
  readonly usedMissing: string[];
  /** A jti with more than one `lat.issued` row, a trace id with more than one `lat.used` row. */
  readonly duplicated: string[];
  /** Rows with no client behind them, under the rule of `unsourced` below. */
  readonly unsourced: string[];
  /** `count(*)` and `count(distinct event_id)` of the whole store. */
  readonly rows: number;
  readonly distinctIds: number;
}

/**
 * The store's rows of the run's ISVs.
 */
async function storedEvents(store: Database, isvIds: readonly string[]): Promise<StoredEvent[]> {
  return store.query<StoredEvent>(`SELECT event_id, type, data FROM audit.events WHERE data->>'isvId' = ANY($1) AND type = ANY($2) ORDER BY seq`, [
    isvIds,
    [LatIssuedV1.type, LatUsedV1.type],
  ]);
}

const requestKey = (r: IssuanceRequest) => `${r.isvId} ${r.resourceId} ${[...r.features].sort().join(',')}`;

/**
 * Compares the store with the ledger.
 *
 * The rule for a row without a source: a `lat.issued` row whose jti no client was answered 200 for is legitimate
 * only when it stands for an issuance whose answer was lost at the socket (the connection refused, reset or timed
 * out, e.g. the issuer killed between its commit and its response): that token was committed, so its event
 * rightly exists, but the client never saw its jti. Such rows are matched to the lost issuances by what was asked
 * (ISV, resource, flags), each lost issuance standing for at most one row. Likewise a `lat.used` row is legitimate
 * when its trace id is a gated request answered 200, or one whose answer was lost (at most one row each). Anything
 * else has no source: an issuance or use answered 503/429 (the service said it did not take it), one refused with
 * 4xx, or something no client sent at all.
 */
export function reconcile(ledger: LoadLedger, rows: readonly StoredEvent[], counts: { rows: number; distinctIds: number }): Reconciliation {
  const issuedRows = rows.filter((r) => r.type === LatIssuedV1.type);
  const usedRows = rows.filter((r) => r.type === LatUsedV1.type);
  const issuedByJti = tally(issuedRows.map((r) => String(r.data['jti'])));
  const usedByTrace = tally(usedRows.map((r) => String(r.data['traceId'])));
  const storedIssued = new Set(issuedRows.map((r) => issuedKey(r.data)));
  const storedUsed = new Set(usedRows.map((r) => usedKey(r.data)));

  const issuedMissing = [...ledger.issued].map(([jti, r]) => issuedKey({ jti, ...r })).filter((key) => !storedIssued.has(key));
  const usedMissing = ledger.served.map((s) => usedKey({ ...s })).filter((key) => !storedUsed.has(key));
  const duplicated = [
    ...[...issuedByJti].filter(([, n]) => n > 1).map(([jti, n]) => `lat.issued ${jti} ×${n}`),
    ...[...usedByTrace].filter(([, n]) => n > 1).map(([trace, n]) => `lat.used trace ${trace} ×${n}`),
  ];

  const unsourced: string[] = [];
  const lostIssuances = tally(ledger.lostIssuances.map(requestKey));
  for (const row of issuedRows) {
    const jti = String(row.data['jti']);
    if (ledger.issued.has(jti)) continue;
    const asked = requestKey({
      isvId: String(row.data['isvId']),
      resourceId: String(row.data['resourceId']),
      features: row.data['features'] as IssuanceRequest['features'],
    });
    const left = lostIssuances.get(asked) ?? 0;
    if (left > 0) lostIssuances.set(asked, left - 1);
    else unsourced.push(`lat.issued ${jti} (${asked}): no client was answered this token, and no lost issuance asked for it`);
  }
  const answeredTraces = new Set([...ledger.served, ...ledger.lostUses].map((u) => u.traceId));
  for (const row of usedRows) {
    const trace = String(row.data['traceId']);
    if (!answeredTraces.has(trace)) unsourced.push(`lat.used trace ${trace} (jti ${String(row.data['jti'])}): no client was served it`);
  }
  return { issuedMissing, usedMissing, duplicated, unsourced, ...counts };
}

/**
 * Waits (bounded by CATCH_UP_MS) until the audit holds a row for every answer the clients got, then for a
 * checkpoint signed after that anchoring every row (so a late duplicate would be in the store by then), and
 * reconciles the store with the ledger.
 */
export async function reconcileAfterCatchUp(store: Database, ledger: LoadLedger, isvIds: readonly string[]): Promise<Reconciliation> {
  const counts = async () => {
    const [row] = await store.query<{ rows: string; distinct_ids: string }>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM audit.events',
    );
    return { rows: Number(row?.rows), distinctIds: Number(row?.distinct_ids) };
  };
  const now = async () => reconcile(ledger, await storedEvents(store, isvIds), await counts());
  await eventually(
    async () => {
      const state = await now();
      if (state.issuedMissing.length + state.usedMissing.length > 0)
        throw new Error(`still missing ${state.issuedMissing.length} lat.issued and ${state.usedMissing.length} lat.used`);
      return true;
    },
    { timeoutMs: CATCH_UP_MS, intervalMs: 1000, what: 'every token and served use the clients saw stored' },
  ).catch(() => undefined); // what is still missing then is reported by the reconciliation below, row by row
  const [latest] = await store.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit.checkpoints');
  await eventually(
    async () => {
      const [row] = await store.query<{ rows: string; anchored: string | null }>(
        `SELECT (SELECT count(*) FROM audit.events) AS rows,
                (SELECT tree_size FROM audit.checkpoints WHERE seq > $1 ORDER BY seq DESC LIMIT 1) AS anchored`,
        [Number(latest?.seq ?? 0)],
      );
      return row?.anchored !== null && Number(row?.anchored) === Number(row?.rows);
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'a later checkpoint anchoring every row' },
  );
  return now();
}

/** The audit chain, verified from the stored rows against the signed checkpoints with only the key the audit serves. */
export async function verifyChain(store: Database, auditUrl: string): ReturnType<typeof verifyAuditLog> {
  const jwks = (await (await fetch(`${auditUrl}/.well-known/jwks.json`, { signal: AbortSignal.timeout(10_000) })).json()) as PublicJwks;
  return verifyAuditLog(await readEvidenceFromDatabase(store), { keys: jwks, issuer: AUDIT_URL });
}
