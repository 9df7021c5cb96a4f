import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, testDatabaseUrl, testKafkaBrokers, type ScratchDatabase } from '@latchkey/testing';

/** What a service process keeps between its restarts: a scratch PostgreSQL database and a data directory. */
export interface ServiceWorkspace {
  readonly database: ScratchDatabase;
  readonly dataDir: string;
  /** Drops the database and deletes the directory; call it once no process uses them. */
  dispose(): Promise<void>;
}

/** A scratch database on the test run's PostgreSQL and a fresh temporary directory, both named after the service. */
export async function createServiceWorkspace(name: string): Promise<ServiceWorkspace> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl || !testKafkaBrokers()) throw new Error(`a ${name} process needs real Kafka and PostgreSQL (use describeWithInfrastructure)`);
  const database = await createScratchDatabase(serverUrl, name);
  const dataDir = await mkdtemp(join(tmpdir(), `latchkey-${name}-`));
  return {
    database,
    dataDir,
    dispose: async () => {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `use` on a new workspace; disposes of it when `use` fails (a service that did not boot leaves nothing behind). */
export async function withServiceWorkspace<T>(name: string, use: (workspace: ServiceWorkspace) => Promise<T>): Promise<T> {
  const workspace = await createServiceWorkspace(name);
  try {
    return await use(workspace);
  } catch (error) {
    await workspace.dispose();
    throw error;
  }
}
