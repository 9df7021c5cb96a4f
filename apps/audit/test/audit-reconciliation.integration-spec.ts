import { randomUUID } from 'node:crypto';
import { readEvidenceFromDatabase, verifyAuditLog } from '@latchkey/audit/data-access';
import { LatIssuedV1, LatIssueDeniedV1, LatUsedV1 } from '@latchkey/contracts';
import { openDatabase, type Database } from '@latchkey/persistence';
import {
  AuditProcess,
  createServiceWorkspace,
  deniedKey,
  discrepancies,
  FaceApiProcess,
  IssuerProcess,
  issuedKey,
  NO_DISCREPANCIES as NONE,
  runBurst,
  storedKeys as storedOf,
  useOwnKafka,
  usedKey,
  type BurstIsv,
  type ClientLedger,
  type ClientResource,
  type OwnKafka,
  type ServiceWorkspace,
  type StoredEvent,
} from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { findSecretShapes, generateSigningKey, type PublicJwks } from '@latchkey/tokens';

const ISSUER_URL = 'https://sts.reconciliation.test';
const AUDIT_URL = 'https://audit.reconciliation.test';
const ISSUANCES = 300;
const CONCURRENCY = 24;

/**
 * The issue's reconciliation case, end to end as deployed: the issuer, the face-api and the audit service each in
 * a process of its own on real Kafka and PostgreSQL, driven only through public HTTP. After a burst of issuances
 * (some refused) and gated uses, the audit store must hold exactly what the clients were answered: one
 * `lat.issued` per token a client received, one `lat.used` per gated request served, one `lat.issue-denied` per
 * refused issuance, nothing more, in a chain that verifies against the audit's signed checkpoints.
 */
describeWithInfrastructure(
  'audit reconciliation: the store holds exactly what the clients were answered (issuer, face-api, audit as processes)',
  () => {
    let kafka: OwnKafka;
    let workspace: ServiceWorkspace;
    let database: Database;
    let audit: AuditProcess;
    let issuer: IssuerProcess;
    let face: FaceApiProcess;
    let isvs: BurstIsv[];
    let doors: ClientResource[];

    beforeAll(async () => {
      // A broker of its own: the audit's consumer group (audit.ingest) is fixed, and on the shared broker it would
      // first read every earlier run's backlog, or share the partitions with another run's audit service.
      kafka = await useOwnKafka();
      workspace = await createServiceWorkspace('audit');
      database = await openDatabase({ url: workspace.database.url });
      const key = await generateSigningKey('EdDSA');
      // Both boot at once; allSettled, so one that did boot is stopped by afterAll even if the other failed.
      const booted = await Promise.allSettled([
        AuditProcess.start({
          DATABASE_URL: workspace.database.url,
          LATCHKEY_DATA_DIR: workspace.dataDir,
          LATCHKEY_AUDIT_URL: AUDIT_URL,
          LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
          // A checkpoint every second, so the whole burst is anchored by a signature within the test.
          LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
        }).then((started) => (audit = started)),
        IssuerProcess.start(ISSUER_URL).then((started) => (issuer = started)),
      ]);
      for (const outcome of booted) if (outcome.status === 'rejected') throw outcome.reason;
      face = await FaceApiProcess.start(issuer);
      const run = randomUUID().slice(0, 8);
      // No ISV is granted every gated flag, so each can be refused a token, and each token refused an operation.
      const grants: BurstIsv['granted'][] = [
        ['Face.Identification', 'Face.Verification'],
        ['Face.Identification'],
        ['Face.Verification', 'LimitedAccess.HighRisk'],
      ];
      isvs = await Promise.all(grants.map(async (granted, i) => ({ ...(await issuer.onboardIsv(`isv-rec-${i}-${run}`, granted)), granted })));
      doors = await Promise.all(['front', 'back', 'garage', 'lobby'].map((name) => face.createClientResource(`${name}-door`)));
    }, 120_000);

    afterAll(async () => {
      await face?.stop();
      await issuer?.stop();
      await audit?.stop();
      await database?.close();
      await workspace?.dispose();
      await kafka?.stop();
    });

    /** The stored events of this run's ISVs (on a shared broker the store may hold other runs' events too). */
    const storedEvents = () =>
      database.query<StoredEvent>(`SELECT event_id, type, data FROM audit.events WHERE data->>'isvId' = ANY($1) ORDER BY seq`, [
        isvs.map((i) => i.id),
      ]);

    const expectations = (ledger: ClientLedger) => ({
      issued: [...ledger.issued].map(([jti, t]) => issuedKey({ jti, ...t })),
      used: ledger.served.map((s) => usedKey(s)),
      denied: ledger.refusedIssuances.map((r) => deniedKey({ ...r, reason: 'ISSUER.FEATURE_NOT_GRANTED' })),
    });
    it('stores one lat.issued per token received, one lat.used per gated request served, one lat.issue-denied per refusal, and nothing else', async () => {
      const ledger = await runBurst(issuer, face, { isvs, doors, issuances: ISSUANCES, concurrency: CONCURRENCY });
      expect(ledger.surprises).toEqual([]);
      // The burst did what it was meant to: hundreds of tokens and uses, refusals of both kinds.
      expect(ledger.issued.size).toBe(ISSUANCES - ISSUANCES / 6);
      expect(ledger.refusedIssuances).toHaveLength(ISSUANCES / 6);
      expect(new Set(ledger.refusedIssuances.map((r) => `${r.status} ${r.code}`))).toEqual(new Set(['403 FeatureNotGrantedToIsv']));
      expect(ledger.served.length).toBeGreaterThan(300);
      expect(ledger.refusedUses.length).toBeGreaterThan(40);
      const expected = expectations(ledger);

      // Every answer the clients got is in the store (bounded: the audit ingests asynchronously from Kafka).
      await eventually(
        async () => {
          const rows = await storedEvents();
          const missing = {
            issued: discrepancies(expected.issued, storedOf(rows, LatIssuedV1.type, issuedKey)).missing.length,
            used: discrepancies(expected.used, storedOf(rows, LatUsedV1.type, usedKey)).missing.length,
            denied: discrepancies(expected.denied, storedOf(rows, LatIssueDeniedV1.type, deniedKey)).missing.length,
          };
          if (missing.issued + missing.used + missing.denied > 0) throw new Error(`still missing: ${JSON.stringify(missing)}`);
          return true;
        },
        { timeoutMs: 45_000, intervalMs: 500, what: 'every issuance, use and denial the clients saw stored' },
      );
      // Then a checkpoint signed after that moment (a whole interval later) anchoring every row: a row stored twice
      // late, or an event of the burst still in flight, would be in the store by then.
      const [latest] = await database.query<{ seq: string | null }>('SELECT max(seq) AS seq FROM audit.checkpoints');
      await eventually(
        async () => {
          const [row] = await database.query<{ rows: string; anchored: string | null }>(
            `SELECT (SELECT count(*) FROM audit.events) AS rows,
                  (SELECT tree_size FROM audit.checkpoints WHERE seq > $1 ORDER BY seq DESC LIMIT 1) AS anchored`,
            [Number(latest?.seq ?? 0)],
          );
          return row?.anchored !== null && Number(row?.anchored) === Number(row?.rows);
        },
        { timeoutMs: 15_000, intervalMs: 250, what: 'a later checkpoint anchoring every row' },
      );

      const rows = await storedEvents();
      expect(discrepancies(expected.issued, storedOf(rows, LatIssuedV1.type, issuedKey))).toEqual(NONE);
      expect(discrepancies(expected.used, storedOf(rows, LatUsedV1.type, usedKey))).toEqual(NONE);
      expect(discrepancies(expected.denied, storedOf(rows, LatIssueDeniedV1.type, deniedKey))).toEqual(NONE);
      // A refused use is never recorded as one, under any trace id it could be matched by.
      const usedTraces = new Set(rows.filter((r) => r.type === LatUsedV1.type).map((r) => String(r.data['traceId'])));
      expect(ledger.refusedUses.filter((r) => usedTraces.has(r.traceId))).toEqual([]);

      const [counts] = await database.query<{ rows: string; distinct_ids: string }>(
        'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM audit.events',
      );
      expect(Number(counts?.rows)).toBe(Number(counts?.distinct_ids));
      expect(findSecretShapes(await database.query('SELECT * FROM audit.events'))).toEqual([]);

      // The whole chain verifies against the signed checkpoints, with nothing but the key the audit serves.
      const jwks = (await (await fetch(`${audit.url}/.well-known/jwks.json`)).json()) as PublicJwks;
      const verdict = await verifyAuditLog(await readEvidenceFromDatabase(database), { keys: jwks, issuer: AUDIT_URL });
      expect(verdict).toMatchObject({ ok: true, rows: Number(counts?.rows), anchored: Number(counts?.rows) });
    }, 90_000);
  },
);
