import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { WebhookRepository } from './webhook.repository';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LEASE = 11_000;

describe(WebhookRepository.name, () => {
  let db: Database;
  let webhooks: WebhookRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    webhooks = new WebhookRepository(db);
  });

  afterAll(() => db.close());

  afterEach(async () => {
    // Each test claims only its own deliveries.
    await db.query("UPDATE abuse_detector.webhook_deliveries SET status = 'failed' WHERE status = 'pending'");
  });

  async function enqueue(when: Date, caseId = `case-${randomUUID()}`) {
    const id = `msg_${randomUUID()}`;
    await db.transaction((tx) => webhooks.enqueue(tx, { id, isvId: 'isv-1', caseId, body: `{"n":"${id}"}`, at: when }));
    return { id, caseId };
  }

  const row = async (id: string) => {
    const [r] = await db.query<{ status: string; attempts: number; next_attempt_at: Date; last_error: string | null; delivered_at: Date | null }>(
      'SELECT status, attempts, next_attempt_at, last_error, delivered_at FROM abuse_detector.webhook_deliveries WHERE id = $1',
      [id],
    );
    return r;
  };

  describe('webhooks', () => {
    it('sets, replaces, reads and removes an ISV’s webhook', async () => {
      const isvId = `isv-${randomUUID().slice(0, 8)}`;
      await webhooks.set({ isvId, url: 'https://a.example/h', secret: 'whsec_a', updatedAt: T0, updatedBy: 'alice' });
      await webhooks.set({ isvId, url: 'https://b.example/h', secret: 'whsec_b', updatedAt: at(1000), updatedBy: 'bob' });

      expect(await webhooks.of(isvId)).toEqual({ isvId, url: 'https://b.example/h', secret: 'whsec_b', updatedAt: at(1000), updatedBy: 'bob' });
      expect(await db.transaction((tx) => webhooks.of(isvId, tx))).toMatchObject({ url: 'https://b.example/h' });

      expect(await webhooks.remove(isvId)).toBe(true);
      expect(await webhooks.remove(isvId)).toBe(false);
      expect(await webhooks.of(isvId)).toBeUndefined();
    });
  });

  describe('claimDue', () => {
    it('claims the due pending deliveries, counting the attempt and leasing them; not those due later', async () => {
      const second = await enqueue(at(2000));
      const first = await enqueue(at(1000));
      const later = await enqueue(at(5001));

      const claimed = await webhooks.claimDue(at(5000), LEASE, 10);

      // UPDATE … RETURNING promises no order: the earliest are the ones claimed, returned in any order.
      expect([...claimed].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime())).toEqual([
        { id: first.id, isvId: 'isv-1', caseId: first.caseId, body: `{"n":"${first.id}"}`, attempts: 1, createdAt: at(1000) },
        { id: second.id, isvId: 'isv-1', caseId: second.caseId, body: `{"n":"${second.id}"}`, attempts: 1, createdAt: at(2000) },
      ]);
      expect(await row(first.id)).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: at(5000 + LEASE) });
      expect(await row(later.id)).toMatchObject({ attempts: 0, next_attempt_at: at(5001) });
    });

    it('claims at most `limit`, the earliest due', async () => {
      const a = await enqueue(at(1));
      const b = await enqueue(at(2));
      await enqueue(at(3));

      expect((await webhooks.claimDue(at(10), LEASE, 2)).map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    });

    it('does not claim a claimed delivery again before its lease ends, and does after', async () => {
      const d = await enqueue(at(0));
      expect((await webhooks.claimDue(at(0), LEASE, 10)).map((x) => x.id)).toEqual([d.id]);

      expect(await webhooks.claimDue(at(LEASE - 1), LEASE, 10)).toEqual([]);

      const again = await webhooks.claimDue(at(LEASE), LEASE, 10);
      expect(again.map((x) => [x.id, x.attempts])).toEqual([[d.id, 2]]);
      expect(await row(d.id)).toMatchObject({ next_attempt_at: at(2 * LEASE) });
    });

    it('claims neither a delivered nor a failed delivery', async () => {
      const delivered = await enqueue(at(0));
      const failed = await enqueue(at(0));
      await webhooks.claimDue(at(0), LEASE, 10);
      await webhooks.delivered(delivered.id, at(100));
      await webhooks.attemptFailed(failed.id, 'HTTP 410', undefined);

      expect(await webhooks.claimDue(at(10 * LEASE), LEASE, 10)).toEqual([]);
      expect(await row(delivered.id)).toMatchObject({ status: 'delivered', delivered_at: at(100), last_error: null });
    });
  });

  describe('attemptFailed', () => {
    it('with a next time: stays pending, due then, with the error', async () => {
      const d = await enqueue(at(0));
      await webhooks.claimDue(at(0), LEASE, 10);

      await webhooks.attemptFailed(d.id, 'HTTP 500', at(5000));

      expect(await row(d.id)).toEqual({ status: 'pending', attempts: 1, next_attempt_at: at(5000), last_error: 'HTTP 500', delivered_at: null });
      expect(await webhooks.claimDue(at(4999), LEASE, 10)).toEqual([]);
      expect((await webhooks.claimDue(at(5000), LEASE, 10)).map((x) => x.id)).toEqual([d.id]);
    });

    it('without a next time: failed for good, keeping its last due time', async () => {
      const d = await enqueue(at(0));
      await webhooks.claimDue(at(0), LEASE, 10);

      await webhooks.attemptFailed(d.id, 'x'.repeat(600), undefined);

      const r = await row(d.id);
      expect(r).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: at(LEASE), delivered_at: null });
      expect(r?.last_error).toBe('x'.repeat(500));
    });

    it('a later success clears the error', async () => {
      const d = await enqueue(at(0));
      await webhooks.claimDue(at(0), LEASE, 10);
      await webhooks.attemptFailed(d.id, 'HTTP 500', at(5000));
      await webhooks.claimDue(at(5000), LEASE, 10);

      await webhooks.delivered(d.id, at(5100));

      expect(await row(d.id)).toMatchObject({ status: 'delivered', attempts: 2, last_error: null, delivered_at: at(5100) });
    });
  });

  describe('forCase', () => {
    it('lists the deliveries of one case, oldest first, without their bodies', async () => {
      const caseId = `case-${randomUUID()}`;
      const second = await enqueue(at(2000), caseId);
      const first = await enqueue(at(1000), caseId);
      await enqueue(at(1500));
      await webhooks.claimDue(at(1000), LEASE, 10);
      await webhooks.delivered(first.id, at(1200));

      expect(await webhooks.forCase(caseId)).toEqual([
        { id: first.id, status: 'delivered', attempts: 1, lastError: null, createdAt: at(1000), deliveredAt: at(1200) },
        { id: second.id, status: 'pending', attempts: 0, lastError: null, createdAt: at(2000), deliveredAt: null },
      ]);
    });
  });
});
