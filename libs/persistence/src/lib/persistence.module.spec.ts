import { Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { Database } from './database';
import { DatabaseRegistry } from './database-registry';
import { PersistenceModule } from './persistence.module';

const MIGRATIONS = join(__dirname, '..', '..', 'test', 'fixtures', 'migrations');
const CONNECTION = { dataDir: 'memory://' };

@Injectable()
class WidgetCounter {
  constructor(@Inject(Database) readonly db: Database) {}

  async count(schema: string): Promise<string> {
    const [row] = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."widgets"`);
    return row.n;
  }
}

/** Two services of a standalone process, each importing persistence for its own schema. */
function serviceModule(schema: string, registry: DatabaseRegistry) {
  @Module({
    imports: [
      PersistenceModule.forService({
        schema,
        migrationsFolder: MIGRATIONS,
        generatedSchema: 'fixture',
        connection: CONNECTION,
        registry,
      }),
    ],
    providers: [WidgetCounter],
    exports: [WidgetCounter],
  })
  class ServiceModule {}
  return ServiceModule;
}

describe(PersistenceModule.name, () => {
  const registry = new DatabaseRegistry();
  const logged: string[] = [];
  let holder: Database;

  // One in-memory PGlite for the file (~4 s): the test's own lease keeps it
  // open between the applications below, which share it as services would.
  beforeAll(async () => {
    holder = await registry.acquire({ ...CONNECTION, log: { query: (sql) => logged.push(sql) } });
  }, 60_000);

  afterAll(async () => {
    await holder.close();
    expect(registry.holders(CONNECTION)).toBe(0);
  });

  it('migrates each service schema on one shared instance before the app is ready, and releases on shutdown', async () => {
    const one = serviceModule('svc_one', registry);
    const two = serviceModule('svc_two', registry);
    const app = await Test.createTestingModule({ imports: [one, two] }).compile();
    await app.init();
    expect(registry.holders(CONNECTION)).toBe(3);

    const counterOne = app.select(one).get(WidgetCounter);
    const counterTwo = app.select(two).get(WidgetCounter);
    await counterOne.db.query(`INSERT INTO "svc_one"."widgets" (id, name) VALUES ($1, $2)`, ['w1', 'one']);
    expect(await counterOne.count('svc_one')).toBe('1');
    expect(await counterTwo.count('svc_two')).toBe('0');
    await expect(counterTwo.db.ping()).resolves.toBeUndefined();

    await app.close();
    expect(registry.holders(CONNECTION)).toBe(1);
    await expect(counterOne.db.query('SELECT 1')).rejects.toMatchObject({ code: 'PERSISTENCE.CLOSED' });
  });

  it('fails the boot when migrations fail, without keeping a lease', async () => {
    const boot = Test.createTestingModule({
      imports: [
        PersistenceModule.forService({
          schema: 'svc_broken',
          migrationsFolder: join(__dirname, 'no-such-folder'),
          connection: CONNECTION,
          registry,
        }),
      ],
    }).compile();
    await expect(boot).rejects.toMatchObject({ code: 'PERSISTENCE.MIGRATION_FAILED' });
    expect(registry.holders(CONNECTION)).toBe(1);
  });

  it('takes the connection from an injected factory', async () => {
    const CONFIG = Symbol('config');
    @Module({ providers: [{ provide: CONFIG, useValue: { dataDir: 'memory://' } }], exports: [CONFIG] })
    class ConfigModule {}
    const app = await Test.createTestingModule({
      imports: [
        PersistenceModule.forServiceAsync({
          schema: 'svc_async',
          migrationsFolder: MIGRATIONS,
          generatedSchema: 'fixture',
          registry,
          imports: [ConfigModule],
          inject: [CONFIG],
          useConnection: (config: { dataDir: string }) => ({ dataDir: config.dataDir }),
        }),
      ],
    }).compile();
    const db = app.get(Database);
    expect(db.driver).toBe('pglite');
    expect(await db.query(`SELECT count(*) AS n FROM "svc_async"."__drizzle_migrations"`)).toEqual([{ n: '2' }]);
    await app.close();
  });

  it('logs statement text but never parameters', async () => {
    await holder.query('SELECT $1::text AS v', ['s3cr3t-subscription-key']);
    expect(logged).toContain('SELECT $1::text AS v');
    expect(logged.join('\n')).not.toContain('s3cr3t');
  });

  it('rejects a schema name that is not a plain identifier at declaration', () => {
    expect(() =>
      PersistenceModule.forService({ schema: 'Face-API', migrationsFolder: MIGRATIONS, connection: CONNECTION }),
    ).toThrow(expect.objectContaining({ code: 'PERSISTENCE.INVALID_IDENTIFIER' }));
  });
});
