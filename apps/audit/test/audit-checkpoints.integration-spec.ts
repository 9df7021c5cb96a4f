import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AUDIT_CHAIN_LOCK, chainHash, verifyAuditLog, type AuditLogVerdict, type SequencedChainRow } from '@latchkey/audit/data-access';
import { AuditModule } from '@latchkey/audit/feature';
import { AuditCheckpointV1, LatUsedV1, type EventData } from '@latchkey/contracts';
import { aLatUsed } from '@latchkey/contracts/testing';
import type { Transaction } from '@latchkey/persistence';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, type PublicJwks } from '@latchkey/tokens';

const AUDIT_URL = 'https://audit.latchkey.test';
const ROWS = 'SELECT seq, event_id, type, topic, source, subject, time, data, prev_hash, hash FROM audit.events ORDER BY seq';
const ROLLBACK = new Error('rollback: the store must stay untouched');
const ROOT = resolve(__dirname, '../../..');

/** Runs `latchkey` as an operator would (tools/cli/latchkey.ts); never rejects, returns the exit code and output. */
async function latchkey(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npx', ['tsx', 'tools/cli/latchkey.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'] },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/**
 * Signed checkpoints on the real audit service (real Kafka, real PostgreSQL): taken every few events and
 * every second, stored beside the chain and published on audit.checkpoint; the chain verifies against them
 * with the public key the service serves, and each kind of tampering done directly in the database is named.
 */
describeWithInfrastructure('audit checkpoints and verification (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  let jwks: PublicJwks;
  const published: EventData<typeof AuditCheckpointV1>[] = [];

  beforeAll(async () => {
    const key = await generateSigningKey('EdDSA');
    service = await startServiceUnderTest('audit', AuditModule, {
      env: {
        LATCHKEY_AUDIT_URL: AUDIT_URL,
        LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
        LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
        LATCHKEY_AUDIT_CHECKPOINT_EVERY: '5',
      },
    });
    await service.bus.subscribe({
      group: `audit-checkpoint-copy-${randomUUID()}`,
      events: [AuditCheckpointV1],
      handle: async (event) => {
        published.push(event.envelope.data as EventData<typeof AuditCheckpointV1>);
      },
    });
    jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    expect(jwks.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(JSON.stringify(jwks)).not.toContain(key.privateJwk.d);

    for (let i = 0; i < 7; i++) await service.bus.publish(LatUsedV1, aLatUsed());
    // The seventh row stored and a checkpoint signed since (the interval is a second).
    await eventually(
      async () => {
        const [row] = await service.database.query<{ n: string }>('SELECT max(tree_size) AS n FROM audit.checkpoints');
        return Number(row?.n ?? 0) >= 7;
      },
      { timeoutMs: 45_000, what: 'a checkpoint covering all seven events' },
    );
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
  });

  const evidence = async (tx: Pick<Transaction, 'query'> = service.database) => ({
    rows: (await tx.query<Record<string, unknown>>(ROWS)).map((r) => ({ ...(r as unknown as SequencedChainRow), seq: Number(r['seq']) })),
    checkpoints: (await tx.query<{ token: string }>('SELECT token FROM audit.checkpoints ORDER BY seq')).map((c) => c.token),
  });
  const trust = () => ({ keys: jwks, issuer: AUDIT_URL });

  /**
   * The verdict on the store after `tamper` ran inside a transaction that is then rolled back. The transaction
   * holds the chain's lock, so the running service appends nothing and signs no checkpoint meanwhile.
   */
  async function verdictAfter(tamper: (tx: Transaction) => Promise<unknown> = async () => undefined): Promise<AuditLogVerdict> {
    let verdict: AuditLogVerdict | undefined;
    await service.database
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
        await tamper(tx);
        verdict = await verifyAuditLog(await evidence(tx), trust());
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    if (!verdict) throw new Error('no verdict');
    return verdict;
  }

  it('verifies the untouched store against its checkpoints with the served public key alone', async () => {
    const verdict = await verdictAfter();
    // At least our seven events (the shared test broker may hold earlier ones for this consumer group).
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.ok && verdict.rows).toBeGreaterThanOrEqual(7);
    expect(verdict.ok && verdict.anchored).toBeGreaterThanOrEqual(7);
  });

  it('signs checkpoints on its interval, and publishes each on audit.checkpoint', async () => {
    const before = (await evidence()).checkpoints.length;
    await eventually(async () => (await evidence()).checkpoints.length >= before + 2, { timeoutMs: 15_000, what: 'two more checkpoints' });
    const { checkpoints } = await evidence();
    await eventually(() => checkpoints.every((token) => published.some((p) => p.checkpoint === token)), {
      timeoutMs: 30_000,
      what: 'every stored checkpoint on the topic',
    });
    // (The topic may hold other runs' checkpoints: the ones of this store carry its issuer and head.)
    const ours = published.filter((p) => checkpoints.includes(p.checkpoint));
    expect(ours.every((p) => p.issuer === AUDIT_URL && /^[0-9a-f]{64}$/.test(p.headHash))).toBe(true);
  });

  it('never ingests its own checkpoints into the chain', async () => {
    const [row] = await service.database.query<{ n: string }>("SELECT count(*) AS n FROM audit.events WHERE topic = 'audit.checkpoint'");
    expect(Number(row?.n)).toBe(0);
  });

  it.each([
    ['an edited row', 'modified', 3, (tx: Transaction) => tx.query(`UPDATE audit.events SET data = '{"forged": true}' WHERE seq = 3`)],
    ['a deleted row', 'deleted', 5, (tx: Transaction) => tx.query('DELETE FROM audit.events WHERE seq = 4')],
    [
      'two rows swapped',
      'reordered',
      2,
      async (tx: Transaction) => {
        await tx.query('UPDATE audit.events SET seq = -2 WHERE seq = 2');
        await tx.query('UPDATE audit.events SET seq = 2 WHERE seq = 3');
        await tx.query('UPDATE audit.events SET seq = 3 WHERE seq = -2');
      },
    ],
    ['a cut tail', 'truncated', undefined, (tx: Transaction) => tx.query('DELETE FROM audit.events WHERE seq > 5')],
    [
      'a row slipped in',
      'inserted',
      4,
      async (tx: Transaction) => {
        // Shift rows 4.. up by one, through a range no row uses (in CI other suites' events fill the store too).
        await tx.query('UPDATE audit.events SET seq = seq + 1000000000 WHERE seq >= 4');
        await tx.query('UPDATE audit.events SET seq = seq - 999999999 WHERE seq >= 1000000004');
        // A well-formed forgery: linked to row 3 and hashed correctly; only the rows around it give it away.
        const [third] = await tx.query<{ hash: string }>('SELECT hash FROM audit.events WHERE seq = 3');
        const forged = {
          eventId: 'forged-event',
          type: LatUsedV1.type,
          topic: 'lat.used',
          source: '/latchkey/face-api',
          subject: null,
          time: new Date().toISOString(),
          data: { forged: true },
        };
        await tx.query(
          `INSERT INTO audit.events (seq, event_id, type, topic, source, subject, time, data, prev_hash, hash)
           VALUES (4, $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            forged.eventId,
            forged.type,
            forged.topic,
            forged.source,
            forged.subject,
            forged.time,
            JSON.stringify(forged.data),
            third?.hash,
            chainHash(third?.hash ?? '', forged),
          ],
        );
      },
    ],
  ])('names %s: %s at row %s', async (_what, tampering, seq, tamper) => {
    const verdict = await verdictAfter(tamper);
    expect(verdict).toMatchObject({ ok: false, tampering });
    // A cut tail is named at the first checkpoint past the cut, wherever the interval put it.
    if (seq === undefined) expect(!verdict.ok && 'seq' in verdict && verdict.seq).toBeGreaterThan(5);
    else expect(verdict).toMatchObject({ seq });
    expect(await verdictAfter()).toMatchObject({ ok: true }); // rolled back: untouched
  });

  describe('latchkey audit verify', () => {
    let dir: string;
    let jwksFile: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'latchkey-audit-verify-'));
      jwksFile = join(dir, 'jwks.json');
      await writeFile(jwksFile, JSON.stringify(jwks));
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** An NDJSON export of the store as it is now (rows and checkpoints from one locked read). */
    async function exportStore(): Promise<{ rows: string; checkpoints: string; lines: string[] }> {
      let exported: Awaited<ReturnType<typeof evidence>> | undefined;
      await service.database.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
        exported = await evidence(tx);
      });
      const lines = (exported?.rows ?? []).map((row) => JSON.stringify(row));
      const rows = join(dir, `rows-${randomUUID()}.ndjson`);
      const checkpoints = join(dir, `checkpoints-${randomUUID()}.ndjson`);
      await writeFile(rows, lines.join('\n') + '\n');
      await writeFile(checkpoints, (exported?.checkpoints ?? []).map((token) => JSON.stringify({ token })).join('\n') + '\n');
      return { rows, checkpoints, lines };
    }

    it('verifies the live store and an untouched export: exit 0', async () => {
      const live = await latchkey('audit', 'verify', '--database', String(process.env['DATABASE_URL']), '--jwks', jwksFile, '--issuer', AUDIT_URL);
      expect(live).toMatchObject({ code: 0, stdout: expect.stringMatching(/^verified: \d+ rows, up to row \d+ covered by signed checkpoints/) });
      const { rows, checkpoints } = await exportStore();
      const exported = await latchkey(
        'audit',
        'verify',
        '--rows',
        rows,
        '--checkpoints',
        checkpoints,
        '--jwks',
        jwksFile,
        '--issuer',
        AUDIT_URL,
        '--json',
      );
      expect(exported.code).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({ ok: true });
    });

    it('names an edited row of an export and exits 1; refuses bad arguments with exit 2', async () => {
      const { rows, checkpoints, lines } = await exportStore();
      const edited = lines.map((line, i) => (i === 2 ? JSON.stringify({ ...JSON.parse(line), data: { forged: true } }) : line));
      await writeFile(rows, edited.join('\n') + '\n');
      const verdict = await latchkey('audit', 'verify', '--rows', rows, '--checkpoints', checkpoints, '--jwks', jwksFile, '--issuer', AUDIT_URL);
      expect(verdict).toMatchObject({ code: 1, stdout: expect.stringContaining('TAMPERED (modified, row 3') });
      expect(await latchkey('audit', 'verify', '--rows', rows, '--jwks', jwksFile, '--issuer', AUDIT_URL)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/give --rows and --checkpoints together[\s\S]*--help/),
      });
    });
  });

  it('names a checkpoint deleted from the table', async () => {
    expect(
      await verdictAfter((tx) => tx.query('DELETE FROM audit.checkpoints WHERE seq = (SELECT min(seq) + 1 FROM audit.checkpoints)')),
    ).toMatchObject({
      ok: false,
      tampering: 'checkpoint',
      checkpoint: 2,
    });
  });
});
