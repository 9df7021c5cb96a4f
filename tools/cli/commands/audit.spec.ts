import { chainHash, GENESIS_HASH } from '@latchkey/audit/data-access';
import { generateSigningKey, KeyRing, signAuditCheckpoint } from '@latchkey/tokens';
import { FakePlatform, json, PLATFORM_ENV } from '../test/fake-platform';

describe('latchkey audit (argument handling)', () => {
  it('keeps the old usage errors: exit 2 without keys for a store, with both sources, or half an export', async () => {
    const platform = new FakePlatform();
    expect(await platform.run(['audit', 'verify', '--rows', 'r.ndjson', '--checkpoints', 'c.ndjson'], PLATFORM_ENV)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--jwks and --issuer are required'),
    });
    expect(
      await platform.run(['audit', 'verify', '--rows', 'r.ndjson', '--jwks', '/nonexistent.json', '--issuer', 'http://a'], PLATFORM_ENV),
    ).toMatchObject({ code: 2 });
    expect(await platform.run(['audit', 'export'], PLATFORM_ENV)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("'--out <file>' not specified"),
    });
    expect(platform.seen).toEqual([]);
  });
});

describe('latchkey audit verify (from the audit service, against a fake one)', () => {
  const AUDIT = 'http://audit.test';

  /** A chain of `n` rows as the export API streams them, and signed checkpoints over it. */
  async function auditService(n: number, tamper?: (rows: Record<string, unknown>[]) => void) {
    const key = await generateSigningKey('EdDSA');
    const rows: Record<string, unknown>[] = [];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= n; seq += 1) {
      const event = {
        eventId: `e-${seq}`,
        type: 'com.latchkey.lat.used.v1',
        topic: 'lat.used',
        source: '/latchkey/face-api',
        subject: `j-${seq}`,
        time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
        data: { seq },
      };
      const hash = chainHash(prev, event);
      rows.push({
        seq,
        event_id: event.eventId,
        type: event.type,
        topic: event.topic,
        source: event.source,
        subject: event.subject,
        time: event.time,
        traceparent: null,
        data: event.data,
        received_at: event.time,
        prev_hash: prev,
        hash,
      });
      prev = hash;
    }
    const signed = await signAuditCheckpoint({ issuer: AUDIT, treeSize: n, headHash: prev, previous: undefined, now: new Date() }, key);
    tamper?.(rows);
    const ndjson = (lines: unknown[]) =>
      new Response(lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
    return new FakePlatform()
      .on('GET', '/admin/v1/audit/events', () => json(200, { items: rows.slice(-1), nextCursor: null }))
      .on('GET', '/admin/v1/audit/events/export', () => ndjson(rows))
      .on('GET', '/admin/v1/audit/checkpoints/export', () =>
        ndjson([{ seq: 1, tree_size: n, head_hash: prev, token: signed.token, created_at: new Date().toISOString() }]),
      )
      .on('GET', '/.well-known/jwks.json', () => json(200, new KeyRing([{ key, status: 'active' }]).publicJwks()));
  }

  it('verifies every exported row against the signed checkpoints with the service’s keys and URL (exit 0)', async () => {
    const platform = await auditService(25);
    const run = await platform.run(['audit', 'verify'], PLATFORM_ENV);
    expect(run).toEqual({ code: 0, stdout: 'verified: 25 rows, up to row 25 covered by signed checkpoints\n', stderr: '' });
    expect(platform.seen.map((r) => [r.url.pathname, r.headers['authorization'] ?? null])).toEqual(
      expect.arrayContaining([
        ['/admin/v1/audit/events/export', 'Bearer operator-token-secret-value'],
        ['/admin/v1/audit/checkpoints/export', 'Bearer operator-token-secret-value'],
        ['/.well-known/jwks.json', null],
      ]),
    );
  });

  it('names the edited row (exit 1), and refuses checkpoints of another issuer when --issuer pins it', async () => {
    const tampered = await auditService(10, (rows) => void ((rows[6] as Record<string, unknown>)['data'] = { seq: 'edited' }));
    const run = await tampered.run(['audit', 'verify', '--json'], PLATFORM_ENV);
    expect({ code: run.code, verdict: JSON.parse(run.stdout) }).toEqual({
      code: 1,
      verdict: expect.objectContaining({ ok: false, tampering: 'modified', seq: 7, eventId: 'e-7' }),
    });
    const pinned = await (await auditService(3)).run(['audit', 'verify', '--issuer', 'https://other.example'], PLATFORM_ENV);
    expect(pinned).toMatchObject({ code: 1, stdout: expect.stringMatching(/^TAMPERED \(checkpoint 1\)/) });
  });
});
