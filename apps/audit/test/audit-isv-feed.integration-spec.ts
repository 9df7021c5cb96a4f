import { randomUUID } from 'node:crypto';
import { AuditModule } from '@latchkey/audit/feature';
import {
  AccessRevocationV1,
  AUDIT_FEED_AUDIENCE,
  AUDIT_FEED_TOKEN_TYP,
  LatIssueDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  type EventDefinition,
  type EventInput,
} from '@latchkey/contracts';
import { aLatIssued, aLatIssueDenied, aLatRejected, aLatUsed, anAccessRevocation, aResourceId } from '@latchkey/contracts/testing';
import { IssuerProcess, startServiceUnderTest, type OnboardedIsv, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { generateSigningKey, signAuditFeedToken } from '@latchkey/tokens';

interface FeedItem {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}
interface FeedPage {
  readonly isvId: string;
  readonly items: FeedItem[];
  readonly next: string | null;
}

const ISSUER_URL = 'https://issuer.feed.latchkey.test';

/**
 * The issue's acceptance case "An ISV's feed shows its own events and an attempt to read another ISV's is
 * refused", against the real issuer (a process of its own: it checks the subscription keys and signs the feed
 * tokens), the audit service, real Kafka and PostgreSQL. Two ISVs share a client resource, so a feed that
 * selected by resource would leak; a forged rejection names ISV A, so a feed that trusted claimed ids would too,
 * and another copies a jti A was issued, so a feed that trusted any rejection of A's jtis would too.
 */
describeWithInfrastructure('audit service: ISV transparency feed (real issuer, Kafka, PostgreSQL)', () => {
  let issuer: IssuerProcess;
  let audit: ServiceUnderTest;
  let a: OnboardedIsv;
  let b: OnboardedIsv;
  const shared = aResourceId();
  const aOnly = aResourceId();
  /** Event ids each feed must show, exactly. */
  const expected = { a: new Set<string>(), b: new Set<string>() };
  const stored: string[] = [];
  let latOfA: string;

  const publish = async <E extends EventDefinition>(definition: E, data: EventInput<E>, into?: Set<string>) => {
    const envelope = audit.bus.envelope(definition, data);
    await audit.bus.publishEnvelopes([{ topic: definition.topic, envelope }]);
    stored.push(envelope.id);
    into?.add(envelope.id);
  };

  const feedTokenOf = async (isv: OnboardedIsv): Promise<string> => {
    const answer = await issuer.request('POST', '/isv/v1/audit-feed-token', { headers: { 'ocp-apim-subscription-key': isv.subscriptionKey } });
    expect({ status: answer.status, cache: answer.headers.get('cache-control') }).toEqual({ status: 200, cache: 'no-store' });
    const grant = answer.json<{ token: string; tokenType: string; isvId: string }>();
    expect(grant).toMatchObject({ tokenType: 'Bearer', isvId: isv.id });
    return grant.token;
  };

  const read = (isvId: string, authorization: string | undefined, query = '') =>
    audit.handle.app.inject({
      method: 'GET',
      url: `/isv/v1/isvs/${isvId}/audit-events${query}`,
      headers: authorization === undefined ? {} : { authorization },
    });

  /** Every item of a feed, page by page. */
  const readAll = async (isvId: string, token: string, query: string): Promise<FeedItem[]> => {
    const items: FeedItem[] = [];
    let cursor: string | null = null;
    do {
      const answer = await read(isvId, `Bearer ${token}`, `?${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(answer.statusCode).toBe(200);
      const page = answer.json<FeedPage>();
      items.push(...page.items);
      cursor = page.next;
    } while (cursor !== null);
    return items;
  };

  beforeAll(async () => {
    const run = randomUUID().slice(0, 8);
    issuer = await IssuerProcess.start(ISSUER_URL);
    a = await issuer.onboardIsv(`isv-feed-a-${run}`, ['Face.Identification']);
    b = await issuer.onboardIsv(`isv-feed-b-${run}`, ['Face.Identification']);
    const key = await generateSigningKey('EdDSA');
    audit = await startServiceUnderTest('audit', AuditModule, {
      env: {
        LATCHKEY_AUDIT_SIGNING_KEY: JSON.stringify(key.privateJwk),
        LATCHKEY_AUDIT_FEED_ISSUER: ISSUER_URL,
        LATCHKEY_AUDIT_FEED_JWKS_URL: `${issuer.url}/.well-known/jwks.json`,
      },
    });

    // A real issuance through the issuer: its lat.issued reaches the audit store over Kafka like any other.
    latOfA = await issuer.mint(a.subscriptionKey, { resourceId: shared, features: ['Face.Identification'] });
    const issuedJti = (JSON.parse(Buffer.from(latOfA.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string }).jti;

    // A's own events, on the shared resource and one of its own.
    const jtiA = randomUUID();
    await publish(LatIssuedV1, aLatIssued({ isvId: a.id, jti: jtiA, resourceId: aOnly }), expected.a);
    await publish(LatUsedV1, aLatUsed({ isvId: a.id, jti: issuedJti, resourceId: shared }), expected.a);
    await publish(LatUsedV1, aLatUsed({ isvId: a.id, jti: jtiA, resourceId: aOnly }), expected.a);
    await publish(LatIssueDeniedV1, aLatIssueDenied({ isvId: a.id, resourceId: shared }), expected.a);
    await publish(LatRejectedV1, aLatRejected({ isvId: a.id, jti: jtiA, resourceId: aOnly }), expected.a);
    await publish(AccessRevocationV1, anAccessRevocation({ subject: { kind: 'isv-client', isvId: a.id, resourceId: aOnly } }), expected.a);
    // B's, on the same shared resource.
    const jtiB = randomUUID();
    await publish(LatIssuedV1, aLatIssued({ isvId: b.id, jti: jtiB, resourceId: shared }), expected.b);
    await publish(LatUsedV1, aLatUsed({ isvId: b.id, jti: jtiB, resourceId: shared }), expected.b);
    await publish(LatRejectedV1, aLatRejected({ isvId: b.id, jti: jtiB, resourceId: shared, reason: 'LAT.WRONG_RESOURCE' }), expected.b);
    // Neither feed: a forged token claiming A (its jti A never got), a rejection that claimed nobody, and
    // an abuse-side event about A that is not part of the feed.
    await publish(LatRejectedV1, aLatRejected({ isvId: a.id, jti: randomUUID(), resourceId: shared, reason: 'LAT.BAD_SIGNATURE' }));
    await publish(LatRejectedV1, aLatRejected({ isvId: null, jti: null, resourceId: shared, reason: 'LAT.MALFORMED' }));
    // Nor a forgery that copies a jti A really was issued (jtis are not secret): its signature never verified,
    // so its user agent is the forger's text.
    await publish(LatRejectedV1, aLatRejected({ isvId: a.id, jti: issuedJti, resourceId: shared, reason: 'LAT.BAD_SIGNATURE', userAgent: 'forger' }));

    await eventually(
      async () => {
        const rows = await audit.database.query<{ n: string }>(
          `SELECT count(*) AS n FROM audit.events WHERE event_id = ANY($1) OR (type = $2 AND data->>'jti' = $3)`,
          [stored, LatIssuedV1.type, issuedJti],
        );
        return Number(rows[0]?.n) === stored.length + 1;
      },
      { timeoutMs: 60_000, what: 'every published event and the real issuance stored' },
    );
    const [real] = await audit.database.query<{ event_id: string }>(`SELECT event_id FROM audit.events WHERE type = $1 AND data->>'jti' = $2`, [
      LatIssuedV1.type,
      issuedJti,
    ]);
    expected.a.add(String(real?.event_id));
  }, 180_000);

  afterAll(async () => {
    await audit?.stop();
    await issuer?.stop();
  });

  it("shows ISV A exactly its own events, page after page, and B exactly B's", async () => {
    const items = await readAll(a.id, await feedTokenOf(a), 'limit=2');
    expect(new Set(items.map((i) => i.id))).toEqual(expected.a);
    expect(items).toHaveLength(expected.a.size);
    const revocation = items.find((i) => i.type === 'access.revocation');
    expect(revocation?.data).not.toHaveProperty('actor');
    expect(revocation?.data).not.toHaveProperty('alertId');
    expect(new Set((await readAll(b.id, await feedTokenOf(b), 'limit=1000')).map((i) => i.id))).toEqual(expected.b);
  });

  it('narrows by type and by resource, within the ISV', async () => {
    const token = await feedTokenOf(a);
    const used = await readAll(a.id, token, 'type=lat.used');
    expect(used.map((i) => i.type)).toEqual(['lat.used', 'lat.used']);
    const onShared = await readAll(a.id, token, `resourceId=${encodeURIComponent(shared.toUpperCase())}`);
    expect(onShared.map((i) => i.type).sort()).toEqual(['lat.issue-denied', 'lat.issued', 'lat.used']);
    expect((await read(a.id, `Bearer ${token}`, '?type=exchange.completed')).json()).toMatchObject({
      error: { innererror: { code: 'InvalidFeedQuery' } },
    });
    // Year 0 is an instant JavaScript can express and PostgreSQL cannot: a refusal, never a 500 an ISV could cause at will.
    const yearZero = await read(a.id, `Bearer ${token}`, '?from=0000-01-01T00:00:00Z');
    expect({ status: yearZero.statusCode, body: yearZero.json() }).toMatchObject({
      status: 400,
      body: { error: { innererror: { code: 'InvalidFeedQuery' } } },
    });
  });

  it("refuses A's token on B's feed and B's token on A's, 403 FeedOfAnotherIsv", async () => {
    for (const [token, path] of [
      [await feedTokenOf(a), b.id],
      [await feedTokenOf(b), a.id],
    ] as const) {
      const answer = await read(path, `Bearer ${token}`);
      expect(answer.statusCode).toBe(403);
      expect(answer.json()).toMatchObject({ error: { code: 'Forbidden', innererror: { code: 'FeedOfAnotherIsv' } } });
      expect(answer.body).not.toContain(path === a.id ? b.id : a.id);
    }
  });

  it('refuses a limited access token, a forged feed token and an unsigned one with 401 and a Bearer challenge', async () => {
    const stranger = await generateSigningKey('EdDSA');
    const forged = (await signAuditFeedToken({ issuer: ISSUER_URL, isvId: a.id, now: new Date() }, stranger)).token;
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${segment({ alg: 'none', typ: AUDIT_FEED_TOKEN_TYP })}.${segment({ iss: ISSUER_URL, sub: a.id, aud: AUDIT_FEED_AUDIENCE, iat: now, exp: now + 300, jti: 'x' })}.`;
    for (const [authorization, inner] of [
      [`Bearer ${latOfA}`, 'FeedTokenTypeInvalid'],
      [`Bearer ${forged}`, 'FeedTokenInvalid'],
      [`Bearer ${unsigned}`, 'FeedTokenInvalid'],
      [undefined, 'FeedTokenMissing'],
      [`Ocp-Apim-Subscription-Key ${a.subscriptionKey}`, 'FeedTokenMissing'],
    ] as const) {
      const answer = await read(a.id, authorization);
      expect({ status: answer.statusCode, inner: answer.json<{ error: { innererror: { code: string } } }>().error.innererror.code }).toEqual({
        status: 401,
        inner,
      });
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="latchkey-audit-feed"/);
    }
  });

  it('refuses an unknown subscription key at the issuer, and logs no feed token or key anywhere', async () => {
    const answer = await issuer.request('POST', '/isv/v1/audit-feed-token', { headers: { 'ocp-apim-subscription-key': 'lk_isv_not-a-key' } });
    expect(answer.status).toBe(401);
    const token = await feedTokenOf(a);
    await read(a.id, `Bearer ${token}`);
    const signature = token.split('.')[2] ?? '';
    expect(issuer.logs()).not.toContain(signature);
    expect(JSON.stringify(audit.logs)).not.toContain(signature);
    expect(issuer.logs()).not.toContain(a.subscriptionKey);
  });
});
