import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { readEvidenceFromNdjson, verifyAuditLog } from '@latchkey/audit/data-access';
import { AuditModule } from '@latchkey/audit/feature';
import {
  AccessRevocationV1,
  ExchangeCompletedV1,
  LatIssueDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  RbacDeniedV1,
  type EventDefinition,
  type EventEnvelope,
  type EventInput,
} from '@latchkey/contracts';
import {
  aLatIssued,
  aLatIssueDenied,
  aLatRejected,
  aLatUsed,
  anAccessRevocation,
  anExchangeCompleted,
  anRbacDenied,
  aResourceId,
  aTraceId,
} from '@latchkey/contracts/testing';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateApiKey, generateSigningKey, type PublicJwks } from '@latchkey/tokens';

const AUDIT_URL = 'https://audit-query.latchkey.test';
const OPERATOR_KEY = generateApiKey('operator');
const DAY1 = '2030-06-15';
const DAY2 = '2030-06-16';
const ROOT = resolve(__dirname, '../../..');
const at = (day: string, hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00.000Z`);

interface Item extends Record<string, unknown> {
  seq: number;
  event_id: string;
  type: string;
  facets: Record<string, string | null>;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}
interface AzureError {
  error: { code: string; innererror?: { code: string; message: string } };
}

/**
 * The operator query API on the real audit service (real Kafka, real
 * PostgreSQL): a known mix of events published under ISV ids of this run
 * only, then every filter, paging, the NDJSON export verified with the
 * public key, the daily usage, and the refusals.
 */
describeWithInfrastructure('audit query API (real Kafka, real PostgreSQL)', () => {
  let service: ServiceUnderTest;
  const run = randomUUID().slice(0, 8);
  const isvA = `isv-qa-${run}`;
  const isvB = `isv-qb-${run}`;
  const resourceA = aResourceId();
  const resourceB = aResourceId();
  const personId = `person-${run}`;
  const traceId = aTraceId();
  const jtis = [randomUUID(), randomUUID(), randomUUID()] as const;
  const published: EventEnvelope[] = [];

  async function get(url: string, key: string | null = OPERATOR_KEY) {
    return service.handle.app.inject({ method: 'GET', url, headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  }

  async function page(query: string): Promise<Page> {
    const response = await get(`/admin/v1/audit/events?${query}`);
    expect({ status: response.statusCode, body: response.statusCode === 200 ? 'ok' : response.body }).toEqual({ status: 200, body: 'ok' });
    return response.json<Page>();
  }

  /** Every item of a query, following the cursors. */
  async function all(query: string): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const result: Page = await page(`${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      items.push(...result.items);
      cursor = result.nextCursor;
    } while (cursor !== null);
    return items;
  }

  const ids = (items: readonly Item[]) => items.map((i) => i.event_id).sort();
  const idsOf = (predicate: (e: EventEnvelope) => boolean) =>
    published
      .filter(predicate)
      .map((e) => e.id)
      .sort();
  const dataOf = (e: EventEnvelope) => e.data as Record<string, unknown>;

  beforeAll(async () => {
    const key = await generateSigningKey('EdDSA');
    service = await startServiceUnderTest('audit', AuditModule, {
      env: {
        LATCHKEY_AUDIT_URL: AUDIT_URL,
        LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
        LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: '1000',
        LATCHKEY_AUDIT_CHECKPOINT_EVERY: '5',
        LATCHKEY_AUDIT_OPERATOR_KEY: OPERATOR_KEY,
      },
    });
    const publish = async <E extends EventDefinition>(definition: E, data: EventInput<E>, time: Date, traceparent?: string) => {
      const envelope = service.bus.envelope(definition, data, { time, ...(traceparent ? { traceparent } : {}) });
      await service.bus.publishEnvelopes([{ topic: definition.topic, envelope }]);
      published.push(envelope);
    };
    // ISV A, resource A (published in mixed case, as a producer may), day 1: 3 issued, 4 used, 2 rejected, 1 issuance denied.
    const mixedA = resourceA.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/');
    for (const jti of jtis)
      await publish(LatIssuedV1, aLatIssued({ isvId: isvA, resourceId: jti === jtis[0] ? mixedA : resourceA, jti }), at(DAY1, 9));
    await publish(LatUsedV1, aLatUsed({ isvId: isvA, resourceId: resourceA, jti: jtis[0], feature: 'Face.Identification', traceId }), at(DAY1, 10));
    await publish(
      LatUsedV1,
      aLatUsed({ isvId: isvA, resourceId: resourceA, jti: jtis[0], feature: 'Face.Identification', traceId: null }),
      at(DAY1, 10),
    );
    await publish(
      LatUsedV1,
      aLatUsed({ isvId: isvA, resourceId: resourceA, jti: jtis[1], feature: 'Face.Verification', traceId: null }),
      at(DAY1, 11),
    );
    await publish(
      LatUsedV1,
      aLatUsed({ isvId: isvA, resourceId: resourceA, jti: jtis[1], feature: 'Face.Verification', traceId: null }),
      at(DAY1, 11),
    );
    await publish(
      LatRejectedV1,
      aLatRejected({ isvId: isvA, resourceId: resourceA, jti: jtis[2], feature: 'Face.Verification', reason: 'LAT.EXPIRED' }),
      at(DAY1, 12),
    );
    await publish(
      LatRejectedV1,
      aLatRejected({ isvId: isvA, resourceId: resourceA, jti: jtis[2], feature: null, reason: 'LAT.REVOKED' }),
      at(DAY1, 12),
    );
    await publish(
      LatIssueDeniedV1,
      aLatIssueDenied({
        isvId: isvA,
        resourceId: resourceA,
        requestedFeatures: ['Face.Verification', 'Face.Everything'],
        reason: 'ISSUER.FEATURE_NOT_GRANTED',
      }),
      at(DAY1, 13),
    );
    // ISV A, day 2: one issuance; ISV B, resource B, day 1: one issuance and one use.
    await publish(LatIssuedV1, aLatIssued({ isvId: isvA, resourceId: resourceA }), at(DAY2, 8));
    await publish(LatIssuedV1, aLatIssued({ isvId: isvB, resourceId: resourceB }), at(DAY1, 8));
    await publish(LatUsedV1, aLatUsed({ isvId: isvB, resourceId: resourceB, traceId: null }), at(DAY1, 8), `00-${traceId}-b7ad6b7169203331-01`);
    // Around them: a revocation of ISV A's client, and a person's denial and exchange.
    await publish(
      AccessRevocationV1,
      anAccessRevocation({ subject: { kind: 'isv-client', isvId: isvA, resourceId: resourceA }, reason: 'ADMIN.MANUAL' }),
      at(DAY1, 14),
    );
    await publish(RbacDeniedV1, anRbacDenied({ subject: personId, subjectKind: 'person' }), at(DAY1, 15));
    await publish(ExchangeCompletedV1, anExchangeCompleted({ personId }), at(DAY1, 15));

    const wanted = published.map((e) => e.id);
    await eventually(
      async () => {
        const [row] = await service.database.query<{ n: string }>('SELECT count(*) AS n FROM audit.events WHERE event_id = ANY($1)', [wanted]);
        return Number(row?.n) === wanted.length;
      },
      { timeoutMs: 90_000, what: `all ${wanted.length} events stored` },
    );
  }, 150_000);

  afterAll(async () => {
    await service?.stop();
  });

  it('filters by ISV, type (short or full name), resource (any case), jti, person, outcome, reason and trace id', async () => {
    expect(ids(await all(`isvId=${isvA}&limit=1000`))).toEqual(idsOf((e) => dataOf(e)['isvId'] === isvA || e.type === AccessRevocationV1.type));
    expect(ids(await all(`isvId=${isvA}&type=lat.used`))).toEqual(idsOf((e) => e.type === LatUsedV1.type && dataOf(e)['isvId'] === isvA));
    expect(ids(await all(`isvId=${isvA}&type=lat.issued,${LatRejectedV1.type}`))).toEqual(
      idsOf((e) => (e.type === LatIssuedV1.type || e.type === LatRejectedV1.type) && dataOf(e)['isvId'] === isvA),
    );
    const byResource = await all(`resourceId=${encodeURIComponent(resourceA.toUpperCase())}`);
    expect(ids(byResource)).toEqual(
      idsOf((e) => String(dataOf(e)['resourceId'] ?? (dataOf(e)['subject'] as Record<string, unknown>)?.['resourceId']).toLowerCase() === resourceA),
    );
    expect(byResource.map((i) => i.facets['resourceId'])).toEqual(byResource.map(() => resourceA));
    // Events of different topics are stored in whatever order they arrive: compare as sets.
    expect((await all(`jti=${jtis[0]}`)).map((i) => i.type).sort()).toEqual([LatIssuedV1.type, LatUsedV1.type, LatUsedV1.type].sort());
    expect((await all(`personId=${personId}`)).map((i) => i.type).sort()).toEqual([RbacDeniedV1.type, ExchangeCompletedV1.type].sort());
    expect((await all(`isvId=${isvA}&outcome=denied`)).map((i) => i.type).sort()).toEqual(
      [LatIssueDeniedV1.type, LatRejectedV1.type, LatRejectedV1.type].sort(),
    );
    expect((await all(`isvId=${isvA}&outcome=revoked`)).map((i) => i.facets['reason'])).toEqual(['ADMIN.MANUAL']);
    expect((await all(`isvId=${isvA}&reason=LAT.REVOKED`)).map((i) => i.type)).toEqual([LatRejectedV1.type]);
    // The trace id of a use's data, and of another event's traceparent.
    expect((await all(`traceId=${traceId}`)).map((i) => i.facets['isvId']).sort()).toEqual([isvA, isvB].sort());
  });

  it('bounds by time, [from, to)', async () => {
    const items = await all(`isvId=${isvA}&from=${DAY1}T10:00:00Z&to=${DAY1}T12:00:00%2B00:00`);
    expect(items.map((i) => i.type)).toEqual([LatUsedV1.type, LatUsedV1.type, LatUsedV1.type, LatUsedV1.type]);
  });

  it.each(['asc', 'desc'])('pages through every match once, with no gap, in %s order', async (order) => {
    const expected = idsOf((e) => dataOf(e)['isvId'] === isvA || e.type === AccessRevocationV1.type);
    const seen: Item[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const result: Page = await page(`isvId=${isvA}&order=${order}&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(result.items.length).toBeLessThanOrEqual(3);
      seen.push(...result.items);
      cursor = result.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(Math.ceil(expected.length / 3));
    expect(ids(seen)).toEqual(expected);
    const seqs = seen.map((i) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => (order === 'asc' ? a - b : b - a)));
  });

  it('exports rows and checkpoints as NDJSON that verify with the public key alone', async () => {
    const jwks = (await get('/.well-known/jwks.json', null)).json<PublicJwks>();
    await eventually(
      async () => {
        const [row] = await service.database.query<{ n: string }>('SELECT max(tree_size) AS n FROM audit.checkpoints');
        const [head] = await service.database.query<{ n: string }>('SELECT max(seq) AS n FROM audit.events');
        return Number(row?.n ?? 0) >= Number(head?.n ?? 1);
      },
      { timeoutMs: 30_000, what: 'a checkpoint covering every stored row' },
    );
    // Checkpoints first: every one they hold is then covered by the rows exported after.
    const checkpoints = await get('/admin/v1/audit/checkpoints/export');
    const rows = await get('/admin/v1/audit/events/export');
    for (const response of [checkpoints, rows]) {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/x-ndjson/);
    }
    const lines = rows.body.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(published.length);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}') as object)).not.toContain('facets');

    const dir = await mkdtemp(join(tmpdir(), 'audit-export-'));
    try {
      await writeFile(join(dir, 'events.ndjson'), rows.body);
      await writeFile(join(dir, 'checkpoints.ndjson'), checkpoints.body);
      const evidence = await readEvidenceFromNdjson(join(dir, 'events.ndjson'), join(dir, 'checkpoints.ndjson'));
      expect(evidence.checkpoints.length).toBeGreaterThan(0);
      const verdict = await verifyAuditLog(evidence, { keys: jwks, issuer: AUDIT_URL });
      expect(verdict).toMatchObject({ ok: true });
      // And as the operator runs it.
      await writeFile(join(dir, 'jwks.json'), JSON.stringify(jwks));
      const cli = await promisify(execFile)(
        'npx',
        [
          'tsx',
          'tools/cli/latchkey.ts',
          'audit',
          'verify',
          '--rows',
          join(dir, 'events.ndjson'),
          '--checkpoints',
          join(dir, 'checkpoints.ndjson'),
          '--jwks',
          join(dir, 'jwks.json'),
          '--issuer',
          AUDIT_URL,
        ],
        { cwd: ROOT, env: { PATH: process.env['PATH'], HOME: process.env['HOME'] } },
      );
      expect(cli.stdout).toMatch(/^verified: \d+ rows, .*covered by signed checkpoints/m);
      // A tampered export does not verify.
      const tampered = lines.map((line, i) => (i === 1 ? line.replace(/"source":"[^"]*"/, '"source":"/forged"') : line)).join('\n');
      await writeFile(join(dir, 'events.ndjson'), tampered);
      expect(
        await verifyAuditLog(await readEvidenceFromNdjson(join(dir, 'events.ndjson'), join(dir, 'checkpoints.ndjson')), {
          keys: jwks,
          issuer: AUDIT_URL,
        }),
      ).toMatchObject({
        ok: false,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const filtered = await get(`/admin/v1/audit/events/export?isvId=${isvB}`);
    expect(
      filtered.body
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event_id: string }).event_id)
        .sort(),
    ).toEqual(idsOf((e) => dataOf(e)['isvId'] === isvB));
  });

  it('sums usage per ISV, client resource and UTC day exactly', async () => {
    const response = await get(`/admin/v1/audit/usage?from=${DAY1}&to=${DAY2}&isvId=${isvA}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      from: DAY1,
      to: DAY2,
      usage: [
        {
          day: DAY1,
          isvId: isvA,
          resourceId: resourceA,
          issued: 3,
          used: 4,
          denied: 3,
          deniedByFeature: { 'Face.Verification': 2, 'Face.Everything': 1 },
          deniedByReason: { 'LAT.EXPIRED': 1, 'LAT.REVOKED': 1, 'ISSUER.FEATURE_NOT_GRANTED': 1 },
          usedByFeature: { 'Face.Identification': 2, 'Face.Verification': 2 },
        },
        { day: DAY2, isvId: isvA, resourceId: resourceA, issued: 1, used: 0, denied: 0, deniedByFeature: {}, deniedByReason: {}, usedByFeature: {} },
      ],
    });
    const one = (await get(`/admin/v1/audit/usage?from=${DAY1}&to=${DAY1}&resourceId=${encodeURIComponent(resourceB.toUpperCase())}`)).json<{
      usage: unknown[];
    }>();
    expect(one.usage).toEqual([expect.objectContaining({ day: DAY1, isvId: isvB, resourceId: resourceB, issued: 1, used: 1, denied: 0 })]);
  });

  it.each([
    ['no Authorization header', null, 'OperatorCredentialMissing'],
    ['a wrong operator key', generateApiKey('operator'), 'OperatorCredentialInvalid'],
  ])('refuses a request with %s (401)', async (_what, key, inner) => {
    for (const url of [
      '/admin/v1/audit/events',
      '/admin/v1/audit/events/export',
      '/admin/v1/audit/checkpoints/export',
      `/admin/v1/audit/usage?from=${DAY1}&to=${DAY1}`,
    ]) {
      const response = await get(url, key);
      expect({ url, status: response.statusCode, inner: response.json<AzureError>().error.innererror?.code }).toEqual({ url, status: 401, inner });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="latchkey-audit-admin"');
    }
  });

  it.each([
    ['an unknown parameter', '/admin/v1/audit/events?isv=x', 'UnknownQueryParameter'],
    ['a repeated parameter', `/admin/v1/audit/events?isvId=${isvA}&isvId=${isvB}`, 'RepeatedQueryParameter'],
    ['a limit over 1000', '/admin/v1/audit/events?limit=1001', 'InvalidQueryParameter'],
    ['an unknown event type', '/admin/v1/audit/events?type=lat.usd', 'UnknownEventType'],
    ['a forged cursor', '/admin/v1/audit/events?cursor=bm90LWEtY3Vyc29y', 'InvalidCursor'],
    ['an empty time range', `/admin/v1/audit/events?from=${DAY1}T00:00:00Z&to=${DAY1}T00:00:00Z`, 'InvalidRange'],
    ['paging on the export', '/admin/v1/audit/events/export?limit=10', 'UnknownQueryParameter'],
    ['a parameter on the checkpoints', '/admin/v1/audit/checkpoints/export?since=1', 'UnknownQueryParameter'],
    ['a bad date', `/admin/v1/audit/usage?from=2030-02-30&to=${DAY2}`, 'InvalidQueryParameter'],
    ['a usage range backwards', `/admin/v1/audit/usage?from=${DAY2}&to=${DAY1}`, 'InvalidRange'],
    // Instants JavaScript can express and PostgreSQL cannot: once a 500 from the query.
    ['year 0', '/admin/v1/audit/events?from=0000-01-01T00:00:00Z', 'InvalidQueryParameter'],
    ['year 0 on the export', '/admin/v1/audit/events/export?to=0001-01-01T00:00:00%2B00:01', 'InvalidQueryParameter'],
    ['a usage summary ending in year 10000', '/admin/v1/audit/usage?from=9999-12-31&to=9999-12-31', 'InvalidQueryParameter'],
  ])('answers %s with 400 and its own code', async (_what, url, inner) => {
    const response = await get(url);
    const body = response.json<AzureError>();
    expect({ status: response.statusCode, code: body.error.code, inner: body.error.innererror?.code }).toEqual({
      status: 400,
      code: 'BadArgument',
      inner,
    });
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
  });
});
