import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite, type MigratedService } from './migrated-pglite';

/** Writes a one-migration drizzle-kit folder (journal plus SQL) for `schema`. */
async function migrationsFor(root: string, schema: string, sql: string): Promise<MigratedService> {
  const folder = join(root, schema);
  await mkdir(join(folder, 'meta'), { recursive: true });
  const journal = { version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }] };
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  await writeFile(join(folder, '0000_init.sql'), sql);
  return { schema, migrationsFolder: folder };
}

describe(openMigratedPglite.name, () => {
  let root: string;
  let widgets: MigratedService;
  let gadgets: MigratedService;
  const opened: Database[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'latchkey-migrations-'));
    widgets = await migrationsFor(root, 'widgets_svc', 'CREATE SCHEMA "widgets_svc";\n--> statement-breakpoint\nCREATE TABLE "widgets_svc"."widgets" ("id" text PRIMARY KEY NOT NULL);');
    gadgets = await migrationsFor(root, 'gadgets_svc', 'CREATE TABLE "gadgets_svc"."gadgets" ("id" text PRIMARY KEY NOT NULL);');
  });

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    await rm(root, { recursive: true, force: true });
  });

  async function open(services: MigratedService[]): Promise<Database> {
    const db = await openMigratedPglite(services);
    opened.push(db);
    return db;
  }

  it('applies the migrations of every service into its own schema', async () => {
    const db = await open([widgets, gadgets]);

    await db.query('INSERT INTO widgets_svc.widgets (id) VALUES ($1)', ['w-1']);
    await db.query('INSERT INTO gadgets_svc.gadgets (id) VALUES ($1)', ['g-1']);

    expect(await db.query('SELECT id FROM widgets_svc.widgets')).toEqual([{ id: 'w-1' }]);
    expect(await db.query('SELECT id FROM gadgets_svc.gadgets')).toEqual([{ id: 'g-1' }]);
    expect(db.driver).toBe('pglite');
  });

  it('gives every call a database of its own', async () => {
    const first = await open([widgets]);
    const second = await open([widgets]);

    await first.query('INSERT INTO widgets_svc.widgets (id) VALUES ($1)', ['only-in-first']);

    expect(await second.query('SELECT id FROM widgets_svc.widgets')).toEqual([]);
  });

  it('leaves out the schemas of services it was not given', async () => {
    const db = await open([widgets]);

    const schemas = await db.query<{ schema_name: string }>(
      "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '%_svc' ORDER BY schema_name",
    );

    expect(schemas.map((s) => s.schema_name)).toEqual(['widgets_svc']);
  });

  it('rejects with the migration error when a migration does not apply', async () => {
    const broken = await migrationsFor(root, 'broken_svc', 'CREATE TABLE "broken_svc"."t" ("id" no_such_type);');

    await expect(openMigratedPglite([broken])).rejects.toThrow(/migration 0000_init failed in schema broken_svc/);
  });

  it('closes idempotently', async () => {
    const db = await openMigratedPglite([widgets]);

    await db.close();

    await expect(db.close()).resolves.toBeUndefined();
  });
});
