import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { pgSchema } from 'drizzle-orm/pg-core';
import {
  type Database,
  defineOutboxTable,
  INBOX_TABLE,
  InboxColumns as I,
  MIGRATIONS_TABLE,
  migrateSchema,
  OUTBOX_TABLE,
  OutboxColumns as O,
  qualifiedName,
  quoteIdent,
} from '../src';
import { defineWidgetsTable, FIXTURE_SCHEMA } from './fixtures/fixture.table';

export const FIXTURE_MIGRATIONS = join(__dirname, 'fixtures', 'migrations');

export interface DatabaseContractOptions {
  /**
   * Whether two transactions can be open at once (PostgreSQL). PGlite runs
   * them one after the other, so the "held lock" variants only run here.
   */
  readonly concurrentTransactions: boolean;
  /** A second, independent connection to the same database (another replica); defaults to the same handle. */
  readonly openReplica?: () => Promise<Database>;
}

interface OutboxRow extends Record<string, unknown> {
  id: string;
  event_id: string;
}

/** A promise with its resolver, to hold a transaction open at a known point. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => undefined as void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The repository-level behaviour every driver must show. Run by a unit spec
 * (PGlite) and an integration spec (PostgreSQL). Each run works in its own
 * schemas (prefix `t_<random>`), dropped afterwards.
 */
export function describeDatabaseContract(
  name: string,
  open: () => Promise<Database>,
  options: DatabaseContractOptions,
): void {
  describe(`Database contract (${name})`, () => {
    const run = `t_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const schemaA = `${run}_a`;
    const schemaB = `${run}_b`;
    const widgetsA = defineWidgetsTable(pgSchema(schemaA));
    const outboxA = defineOutboxTable(pgSchema(schemaA));
    const outboxTable = qualifiedName(schemaA, OUTBOX_TABLE);
    const inboxTable = qualifiedName(schemaA, INBOX_TABLE);
    let db: Database;

    const migrate = (target: Database, schema: string) =>
      migrateSchema(target, { schema, migrationsFolder: FIXTURE_MIGRATIONS, generatedSchema: FIXTURE_SCHEMA });
    const insertOutbox = (on: Pick<Database, 'query'>, eventId: string) =>
      on.query<OutboxRow>(
        `INSERT INTO ${outboxTable} (${O.eventId}, ${O.topic}, ${O.partitionKey}, ${O.envelope}) VALUES ($1, $2, $3, $4) RETURNING ${O.id}, ${O.eventId}`,
        [eventId, 'lat.issued', 'isv-1', JSON.stringify({ id: eventId, type: 'com.latchkey.test.v1' })],
      );
    const claimSql = `SELECT ${O.id}, ${O.eventId} FROM ${outboxTable} WHERE ${O.publishedAt} IS NULL ORDER BY ${O.id} LIMIT $1 FOR UPDATE SKIP LOCKED`;
    const markPublished = (on: Pick<Database, 'query'>, rows: OutboxRow[]) =>
      on.query(`UPDATE ${outboxTable} SET ${O.publishedAt} = now() WHERE ${O.id} = ANY($1::bigint[])`, [
        rows.map((r) => r.id),
      ]);

    beforeAll(async () => {
      db = await open();
      await migrate(db, schemaA);
    });

    afterAll(async () => {
      if (!db) return;
      await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schemaA)} CASCADE; DROP SCHEMA IF EXISTS ${quoteIdent(schemaB)} CASCADE`);
      await db.close();
      await db.close(); // idempotent
      await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'PERSISTENCE.CLOSED' });
    });

    beforeEach(async () => {
      await db.exec(`TRUNCATE ${qualifiedName(schemaA, 'widgets')}, ${outboxTable}, ${inboxTable}`);
    });

    describe('query', () => {
      it('binds $n parameters and normalises result types across drivers', async () => {
        const [row] = await db.query<{ sum: number; label: string; big: string; at: Date; doc: { a: number } }>(
          `SELECT $1::int + $2::int AS sum, $3::text AS label, 9007199254740993::int8 AS big,
                  '2030-01-02T03:04:05Z'::timestamptz AS at, $4::jsonb AS doc`,
          [2, 3, "it's", JSON.stringify({ a: 1 })],
        );
        expect(row).toEqual({ sum: 5, label: "it's", big: '9007199254740993', at: new Date('2030-01-02T03:04:05Z'), doc: { a: 1 } });
      });

      it('treats parameters as values, never as SQL', async () => {
        const evil = "x'); DROP SCHEMA " + schemaA + ' CASCADE; --';
        const [row] = await db.query<{ v: string }>('SELECT $1::text AS v', [evil]);
        expect(row.v).toBe(evil);
      });

      it('rejects several statements in one query call', async () => {
        await expect(db.query('SELECT 1; SELECT 2')).rejects.toThrow();
      });

      it('answers ping', async () => {
        await expect(db.ping()).resolves.toBeUndefined();
      });
    });

    describe('migrateSchema', () => {
      it('applies every migration once, with the journal inside the schema', async () => {
        const again = await migrate(db, schemaA);
        expect(again).toEqual({ schema: schemaA, applied: [] });
        const journal = await db.query(`SELECT hash FROM ${qualifiedName(schemaA, MIGRATIONS_TABLE)}`);
        expect(journal).toHaveLength(2);
        const tables = await db.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schemaA],
        );
        expect(tables.map((t) => t.table_name)).toEqual([MIGRATIONS_TABLE, INBOX_TABLE, OUTBOX_TABLE, 'widgets'].sort());
        const [leaked] = await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1',
          [FIXTURE_SCHEMA],
        );
        expect(leaked.n).toBe('0');
      });

      it('keeps schemas apart: the same tables in two schemas do not collide', async () => {
        const first = await migrate(db, schemaB);
        expect(first.applied).toEqual(['0000_widgets', '0001_widget_colour']);
        const widgetsB = defineWidgetsTable(pgSchema(schemaB));
        await db.drizzle.insert(widgetsA).values({ id: 'w1', name: 'in A' });
        await db.drizzle.insert(widgetsB).values([
          { id: 'w1', name: 'in B' },
          { id: 'w2', name: 'also B', colour: 'red' },
        ]);
        expect(await db.drizzle.select().from(widgetsA)).toEqual([{ id: 'w1', name: 'in A', quantity: 0, colour: null }]);
        expect(await db.drizzle.select({ id: widgetsB.id }).from(widgetsB).orderBy(widgetsB.id)).toEqual([{ id: 'w1' }, { id: 'w2' }]);
      });

      it('lets replicas that start together migrate a new schema once', async () => {
        const schema = `${run}_c`;
        const replica = options.openReplica ? await options.openReplica() : db;
        try {
          const results = await Promise.all([migrate(db, schema), migrate(replica, schema)]);
          expect(results.map((r) => r.applied.length).sort()).toEqual([0, 2]);
          expect(await db.query(`SELECT id FROM ${qualifiedName(schema, MIGRATIONS_TABLE)}`)).toHaveLength(2);
        } finally {
          await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
          if (replica !== db) await replica.close();
        }
      });

      it('refuses a schema name that is not a plain identifier before touching the database', async () => {
        await expect(
          migrateSchema(db, { schema: 'x"; DROP SCHEMA public; --', migrationsFolder: FIXTURE_MIGRATIONS }),
        ).rejects.toMatchObject({ code: 'PERSISTENCE.INVALID_IDENTIFIER' });
      });
    });

    describe('transaction', () => {
      it('commits the business row (drizzle) and the outbox row (raw SQL) together', async () => {
        const result = await db.transaction(async (tx) => {
          await tx.drizzle.insert(widgetsA).values({ id: 'w1', name: 'committed' });
          await insertOutbox(tx, 'evt-commit');
          return 'done';
        });
        expect(result).toBe('done');
        expect(await db.drizzle.select({ id: widgetsA.id }).from(widgetsA)).toEqual([{ id: 'w1' }]);
        expect(await db.drizzle.select({ eventId: outboxA.eventId }).from(outboxA)).toEqual([{ eventId: 'evt-commit' }]);
      });

      it('rolls back both rows and rethrows when the work throws', async () => {
        const failure = new Error('business rule failed');
        await expect(
          db.transaction(async (tx) => {
            await tx.drizzle.insert(widgetsA).values({ id: 'w1', name: 'rolled back' });
            await insertOutbox(tx, 'evt-rollback');
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await db.query(`SELECT 1 FROM ${qualifiedName(schemaA, 'widgets')}`)).toEqual([]);
        expect(await db.query(`SELECT 1 FROM ${outboxTable}`)).toEqual([]);
      });

      it('turns a nested drizzle transaction into a savepoint', async () => {
        await db.transaction(async (tx) => {
          await tx.drizzle.insert(widgetsA).values({ id: 'outer', name: 'kept' });
          await expect(
            tx.drizzle.transaction(async (inner) => {
              await inner.insert(widgetsA).values({ id: 'inner', name: 'undone' });
              throw new Error('inner fails');
            }),
          ).rejects.toThrow('inner fails');
          await tx.drizzle.update(widgetsA).set({ quantity: sql`${widgetsA.quantity} + 1` }).where(eq(widgetsA.id, 'outer'));
        });
        expect(await db.drizzle.select({ id: widgetsA.id, quantity: widgetsA.quantity }).from(widgetsA)).toEqual([
          { id: 'outer', quantity: 1 },
        ]);
      });

      it('rejects when COMMIT finds the transaction aborted by a swallowed error', async () => {
        await expect(
          db.transaction(async (tx) => {
            await tx.query('SELECT 1/0').catch(() => undefined);
          }),
        ).rejects.toMatchObject({ code: 'PERSISTENCE.TRANSACTION_ABORTED' });
      });

      it('refuses the outer handle inside the callback instead of deadlocking', async () => {
        await expect(db.transaction(() => db.query('SELECT 1'))).rejects.toMatchObject({
          code: 'PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION',
        });
        // drizzle wraps driver-side errors in DrizzleQueryError: ours is the cause.
        await expect(db.transaction(() => db.drizzle.select().from(widgetsA))).rejects.toMatchObject({
          cause: { code: 'PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION' },
        });
        await expect(db.transaction(() => db.transaction(async () => 1))).rejects.toMatchObject({
          code: 'PERSISTENCE.OUTER_HANDLE_IN_TRANSACTION',
        });
        await expect(db.query('SELECT 1')).resolves.toHaveLength(1);
      });

      it('refuses the tx handle once the transaction has finished', async () => {
        let leaked: Parameters<Parameters<Database['transaction']>[0]>[0] | undefined;
        await db.transaction(async (tx) => {
          leaked = tx;
        });
        await expect(leaked?.query('SELECT 1')).rejects.toMatchObject({ code: 'PERSISTENCE.TRANSACTION_FINISHED' });
        await expect(leaked?.drizzle.select().from(widgetsA)).rejects.toMatchObject({
          cause: { code: 'PERSISTENCE.TRANSACTION_FINISHED' },
        });
      });

      it('never shows a concurrent outside query the uncommitted rows of a transaction', async () => {
        const inserted = signal();
        const release = signal();
        const tx = db.transaction(async (t) => {
          await t.drizzle.insert(widgetsA).values({ id: 'w1', name: 'uncommitted' });
          inserted.resolve();
          await release.promise;
          throw new Error('roll back');
        });
        await inserted.promise;
        const outside = db.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualifiedName(schemaA, 'widgets')}`);
        release.resolve();
        await expect(tx).rejects.toThrow('roll back');
        expect(await outside).toEqual([{ n: '0' }]);
      });
    });

    describe('outbox', () => {
      it('claims unpublished rows in id order with FOR UPDATE SKIP LOCKED', async () => {
        for (const n of [1, 2, 3, 4, 5]) await insertOutbox(db, `evt-${n}`);
        const first = await db.transaction(async (tx) => {
          const rows = await tx.query<OutboxRow>(claimSql, [3]);
          await markPublished(tx, rows);
          return rows;
        });
        expect(first.map((r) => r.event_id)).toEqual(['evt-1', 'evt-2', 'evt-3']);
        expect(typeof first[0].id).toBe('string');
        const rest = await db.transaction((tx) => tx.query<OutboxRow>(claimSql, [10]));
        expect(rest.map((r) => r.event_id)).toEqual(['evt-4', 'evt-5']);
      });

      it('refuses the same event id twice', async () => {
        await insertOutbox(db, 'evt-dup');
        await expect(insertOutbox(db, 'evt-dup')).rejects.toThrow();
      });

      it('gives concurrent claimers disjoint rows', async () => {
        for (const n of [1, 2, 3, 4, 5, 6, 7]) await insertOutbox(db, `evt-${n}`);
        let claims: OutboxRow[][];
        if (options.concurrentTransactions) {
          // The first claimer holds its locks (unpublished) until the second has claimed.
          const claimed = signal();
          const secondDone = signal();
          const first = db.transaction(async (tx) => {
            const rows = await tx.query<OutboxRow>(claimSql, [3]);
            claimed.resolve();
            await secondDone.promise;
            return rows;
          });
          await claimed.promise;
          const second = await db.transaction((tx) => tx.query<OutboxRow>(claimSql, [3]));
          secondDone.resolve();
          claims = [await first, second];
        } else {
          claims = await Promise.all(
            [3, 3].map((limit) =>
              db.transaction(async (tx) => {
                const rows = await tx.query<OutboxRow>(claimSql, [limit]);
                await markPublished(tx, rows);
                return rows;
              }),
            ),
          );
        }
        const ids = claims.map((rows) => rows.map((r) => r.event_id));
        expect(ids[0]).toHaveLength(3);
        expect(ids[1]).toHaveLength(3);
        expect(new Set([...ids[0], ...ids[1]]).size).toBe(6);
      });
    });

    describe('inbox', () => {
      const claim = (on: Pick<Database, 'query'>, consumer: string, eventId: string) =>
        on.query(
          `INSERT INTO ${inboxTable} (${I.consumer}, ${I.eventId}) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING ${I.eventId}`,
          [consumer, eventId],
        );

      it('records an event once per consumer (ON CONFLICT DO NOTHING)', async () => {
        expect(await claim(db, 'audit', 'evt-1')).toEqual([{ event_id: 'evt-1' }]);
        expect(await claim(db, 'audit', 'evt-1')).toEqual([]);
        expect(await claim(db, 'abuse', 'evt-1')).toEqual([{ event_id: 'evt-1' }]);
      });

      it('forgets the claim when the handler transaction rolls back', async () => {
        await expect(
          db.transaction(async (tx) => {
            expect(await claim(tx, 'audit', 'evt-2')).toHaveLength(1);
            throw new Error('handler failed');
          }),
        ).rejects.toThrow('handler failed');
        expect(await claim(db, 'audit', 'evt-2')).toHaveLength(1);
      });
    });
  });
}
