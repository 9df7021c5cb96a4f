import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { AUDIT_CHAIN_LOCK, readEvidence, readEvidenceFromDatabase, verifyAuditLog, type AuditLogVerdict } from '@latchkey/audit/data-access';
import { AuditModule, AuditRetention } from '@latchkey/audit/feature';
import { LatUsedV1 } from '@latchkey/contracts';
import { aLatUsed } from '@latchkey/contracts/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, type PublicJwks } from '@latchkey/tokens';

const AUDIT_URL = 'https://audit.latchkey.test';
const ROOT = resolve(__dirname, '../../..');
const ROLLBACK = new Error('rollback: the store must stay untouched');

/**
 * Retention on the real audit service (real Kafka, real PostgreSQL): a prune removes the oldest rows only up
 * to a signed checkpoint's head row, the store still verifies afterwards (with the service's public key alone,
 * through the library and the operator CLI), ingestion goes on, and a prefix cut anywhere else is a deletion.
 */
describeWithInfrastructure('audit retention (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  let jwks: PublicJwks;
  let dir: string;

  const firstSeq = async () => Number((await service.database.query<{ n: string }>('SELECT min(seq) AS n FROM audit.events'))[0]?.n ?? 0);
  const checkpointed = async () =>
    Number((await service.database.query<{ n: string }>('SELECT max(tree_size) AS n FROM audit.checkpoints'))[0]?.n ?? 0);
  const verdict = async (): Promise<AuditLogVerdict> =>
    verifyAuditLog(await readEvidenceFromDatabase(service.database), { keys: jwks, issuer: AUDIT_URL });

  async function publishAndCheckpoint(count: number): Promise<number> {
    const target = (await checkpointed()) + count;
    for (let i = 0; i < count; i++) await service.bus.publish(LatUsedV1, aLatUsed());
    await eventually(async () => (await checkpointed()) >= target, { timeoutMs: 45_000, what: `a checkpoint covering ${target} rows` });
    return target;
  }

  beforeAll(async () => {
    const key = await generateSigningKey('EdDSA');
    service = await startServiceUnderTest('audit', AuditModule, {
      env: {
        LATCHKEY_AUDIT_URL: AUDIT_URL,
        LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
        LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
        LATCHKEY_AUDIT_CHECKPOINT_EVERY: '4',
      },
    });
    jwks = (await service.handle.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<PublicJwks>();
    dir = await mkdtemp(join(tmpdir(), 'audit-retention-'));
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prunes up to a checkpoint signed before the cutoff, keeps its head row, and the store still verifies', async () => {
    await publishAndCheckpoint(10);
    const cutoff = new Date();
    await new Promise((done) => setTimeout(done, 5));
    // Rows stored after the cutoff stay, whatever is checkpointed later.
    await publishAndCheckpoint(3);
    // In CI other suites' events arrive too: the boundary is whatever the last checkpoint before the cutoff covered.
    const [boundary] = await service.database.query<{ n: string }>('SELECT max(tree_size) AS n FROM audit.checkpoints WHERE created_at < $1', [
      cutoff,
    ]);
    const covered = Number(boundary?.n);
    expect(covered).toBeGreaterThanOrEqual(10);

    const report = await service.handle.app.get(AuditRetention).pruneBefore(cutoff);

    expect(report).toMatchObject({ firstSeq: covered, rows: covered - 1 });
    expect(await firstSeq()).toBe(covered);
    expect(await verdict()).toMatchObject({ ok: true, prunedThrough: covered - 1 });
    // Nothing more is due for that cutoff; an older one finds nothing at all.
    expect(await service.handle.app.get(AuditRetention).pruneBefore(cutoff)).toMatchObject({ rows: 0, firstSeq: covered });
    expect(await service.handle.app.get(AuditRetention).pruneBefore(new Date(0))).toMatchObject({ rows: 0 });
  });

  it('goes on ingesting after a prune, and the operator CLI verifies the pruned store', async () => {
    await publishAndCheckpoint(2);
    expect(await verdict()).toMatchObject({ ok: true });
    const jwksFile = join(dir, 'jwks.json');
    await writeFile(jwksFile, JSON.stringify(jwks));
    const { stdout } = await promisify(execFile)(
      'npx',
      [
        'tsx',
        'tools/cli/latchkey.ts',
        'audit',
        'verify',
        '--database',
        String(process.env['DATABASE_URL']),
        '--jwks',
        jwksFile,
        '--issuer',
        AUDIT_URL,
      ],
      { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] } },
    );
    expect(stdout).toMatch(/^verified: \d+ rows \(rows 1–\d+ pruned by retention at a signed checkpoint\)/);
  });

  it('calls a prefix cut below the prune anchor a deletion', async () => {
    let tampered: AuditLogVerdict | undefined;
    await service.database
      .transaction(async (tx) => {
        // Under the chain's lock, so the running service appends and signs nothing meanwhile.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
        // Cut up to a row no checkpoint ends at: a cut that leaves another checkpoint's head row first is a
        // legitimate prune (in CI other suites' events keep checkpoints coming, one may end one row later).
        const [start] = await tx.query<{ seq: string }>(
          `SELECT min(e.seq) AS seq FROM audit.events e
            WHERE e.seq > (SELECT min(seq) FROM audit.events)
              AND NOT EXISTS (SELECT 1 FROM audit.checkpoints c WHERE c.tree_size = e.seq)`,
        );
        expect(start?.seq).toBeTruthy();
        await tx.query('DELETE FROM audit.events WHERE seq < $1', [start?.seq]);
        tampered = await verifyAuditLog(await readEvidence(tx), { keys: jwks, issuer: AUDIT_URL });
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    expect(tampered).toMatchObject({ ok: false, tampering: 'deleted' });
  });
});
