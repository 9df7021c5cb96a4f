import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase } from '@latchkey/persistence';
import {
  createScratchDatabase,
  describeWithInfrastructure,
  eventually,
  testDatabaseUrl,
  testKafkaBrokers,
  type ScratchDatabase,
} from '@latchkey/testing';

/**
 * The image's way of running a service, without Docker: the real webpack bundle of the issuer (`nx build issuer`,
 * as the Dockerfile's build stage runs it), laid out as the runtime stage lays it out (services/issuer/bundle beside
 * services/issuer/migrations, node_modules above), started by the image's entrypoint (deploy/docker/entry.js) from a
 * folder outside the repository, against the real Kafka broker and PostgreSQL. `npm start` and every other suite run
 * services from source, which hides what only a bundle gets wrong: it once stopped every bundle at start (openapi.ts
 * located swagger-ui-dist with a `require.resolve` that webpack compiles into a module id) and shipped no producer
 * worker (events could not leave through the worker thread).
 */
const ROOT = resolve(__dirname, '../..');
const BUILD_TIMEOUT_MS = 300_000;
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

const run = promisify(execFile);

describeWithInfrastructure('the issuer bundle, run by the image entrypoint', () => {
  let image: string;
  let database: ScratchDatabase;
  let child: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(
    async () => {
      await run('npx', ['nx', 'build', 'issuer', '--skip-nx-cache', '--outputStyle=static'], {
        cwd: ROOT,
        env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
        timeout: BUILD_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
      });
      image = await mkdtemp(join(tmpdir(), 'latchkey-image-'));
      await cp(join(ROOT, 'dist/apps/issuer'), join(image, 'services/issuer/bundle'), { recursive: true });
      await cp(join(ROOT, 'libs/issuer/data-access/migrations'), join(image, 'services/issuer/migrations'), { recursive: true });
      await symlink(join(ROOT, 'node_modules'), join(image, 'node_modules'));
      database = await createScratchDatabase(testDatabaseUrl() ?? '', 'bundle');

      child = spawn(process.execPath, [join(ROOT, 'deploy/docker/entry.js'), 'issuer'], {
        cwd: image,
        env: {
          PATH: process.env['PATH'],
          HOME: image,
          NODE_ENV: 'production',
          LATCHKEY_BUNDLE_ROOT: join(image, 'services'),
          LATCHKEY_DATA_DIR: join(image, 'data'),
          LATCHKEY_ISSUER_PORT: '0',
          LATCHKEY_ISSUER_URL: 'https://sts.bundle.test',
          LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
          LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
          LATCHKEY_ISSUER_OPERATOR_KEY: `op-${randomBytes(32).toString('base64url')}`,
          KAFKA_BROKERS: (testKafkaBrokers() ?? []).join(','),
          DATABASE_URL: database.url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      url = await eventually(
        () => {
          if (child.exitCode !== null) throw new Error(`the bundle exited with ${child.exitCode}:\n${output.slice(-4000)}`);
          const ready = /^issuer ready on (http:\/\/\S+)$/m.exec(output);
          if (!ready) throw new Error(`not ready yet:\n${output.slice(-2000)}`);
          return ready[1];
        },
        { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 },
      );
    },
    BUILD_TIMEOUT_MS + READY_TIMEOUT_MS + 30_000,
  );

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
    if (image) await rm(image, { recursive: true, force: true });
  });

  it('applies its migrations from beside the bundle and reports ready', async () => {
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(output).toMatch(/schema issuer on postgres: applied 0000_init/);
  });

  it('serves its JWKS and the Swagger UI assets from node_modules', async () => {
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    const css = await fetch(`${url}/docs/swagger-ui.css`);
    expect([css.status, css.headers.get('content-type')]).toEqual([200, 'text/css; charset=utf-8']);
  });

  it('records a refused issuance and publishes its event to Kafka through the bundled producer worker', async () => {
    const refused = await fetch(`${url}/sts/v1.0/issueLimitedAccessToken`, {
      method: 'POST',
      headers: { 'ocp-apim-subscription-key': 'not-a-key', 'content-type': 'application/json' },
      body: JSON.stringify({ targetAzureResourceId: '/subscriptions/x', featureFlags: ['Face.Identification'] }),
    });
    expect([refused.status, refused.headers.get('x-ms-error-code')]).toEqual([401, '401']);
    // published_at is set only after the broker acknowledged the event.
    const db = await openDatabase({ url: database.url, maxConnections: 1 });
    try {
      const rows = await eventually(
        async () => {
          const found = await db.query<{ topic: string; published: boolean }>(
            `SELECT topic, published_at IS NOT NULL AS published FROM issuer.outbox WHERE topic = 'lat.issue-denied'`,
          );
          if (found.length === 0 || !found.every((r) => r.published)) throw new Error('not published yet');
          return found;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(rows).toEqual([{ topic: 'lat.issue-denied', published: true }]);
    } finally {
      await db.close();
    }
    expect(output).not.toMatch(/producer-thread\.worker\.ts|tsx/);
  });

  it('stops gracefully on SIGTERM (exit 0 within its bound)', async () => {
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'late'>((done) => setTimeout(() => done('late'), STOP_TIMEOUT_MS))]);
    expect(code).toBe(0);
  });
});
