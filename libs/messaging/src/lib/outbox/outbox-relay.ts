import type { EventEnvelope } from '@latchkey/contracts';
import { crashPoint } from '@latchkey/config';
import type { EventBus } from '../event-bus';
import { messagingGauges } from '../metrics/messaging-gauges';
import { schemaIdent, type TransactionalSql } from './sql';

/** Settings of one service's relay. */
export interface OutboxRelayOptions {
  readonly schema: string;
  readonly batchSize?: number;
  /** Poll interval when idle; a write nudges the relay sooner (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** Pause after a pass that published less than a batch (default {@link RELAY_COALESCE_MS}; 0: none). */
  readonly coalesceMs?: number;
  /** Longest pause after failures (default 5 s). */
  readonly maxBackoffMs?: number;
  readonly log?: (level: 'error' | 'warn' | 'info', message: string, fields?: Record<string, unknown>) => void;
}

interface OutboxRow extends Record<string, unknown> {
  id: string | number;
  topic: string;
  envelope: EventEnvelope | string;
}

/** How long after a nudge an empty pass is retried quickly (a writer's commit follows its nudge within this). */
const NUDGE_FOLLOW_UP_MS = 100;
/** The quick retry's pause. */
const NUDGE_RECHECK_MS = 5;
/**
 * The pause after a pass that published less than a batch, before the next:
 * rows written meanwhile go in one pass instead of a pass each. Every pass
 * is a transaction of four statements, so under a steady stream of writes
 * passes run back to back with a row or two each, and the relay's round trips
 * rival the writers' own. Nudges do not cut this pause short.
 */
export const RELAY_COALESCE_MS = 5;

/**
 * Publishes outbox rows in id order. Each pass claims a batch with
 * `FOR UPDATE SKIP LOCKED` (replicas relaying the same table take disjoint
 * rows), sends it and marks it published in the same transaction, so a row
 * is marked only after the broker acknowledged it. A crash between the
 * acknowledgement and the commit re-sends the batch: delivery is
 * at-least-once, and consumers deduplicate by event id (the inbox).
 */
export class OutboxRelay {
  private readonly table: string;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private nudgedAt = 0;
  private unobserve: (() => void) | undefined;

  constructor(
    private readonly db: TransactionalSql,
    private readonly bus: EventBus,
    private readonly options: OutboxRelayOptions,
  ) {
    this.table = `${schemaIdent(options.schema)}.outbox`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    // latchkey.outbox.backlog and latchkey.outbox.oldest_age: one backlog() query per scrape while running.
    this.unobserve = messagingGauges.addBacklogSource({ schema: this.options.schema, backlog: () => this.observedBacklog() });
  }

  /**
   * Asks for a pass now (called after an outbox write). The writer nudges
   * from inside its transaction, before the commit, so a pass started at once
   * may not see the row yet: for NUDGE_FOLLOW_UP_MS after a nudge an empty
   * pass is retried every NUDGE_RECHECK_MS instead of after the idle poll
   * interval, which catches the commit within milliseconds (it used to wait
   * up to the whole interval: about 250 ms of a revocation's delivery).
   */
  nudge(): void {
    this.nudgedAt = Date.now();
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unobserve?.();
    this.unobserve = undefined;
    this.wake?.();
    await this.loop;
  }

  /** One pass: publishes up to a batch; returns how many rows were published. */
  async relayOnce(): Promise<number> {
    const limit = this.options.batchSize ?? 100;
    try {
      const published = await this.db.transaction(async (tx) => {
        const rows = await tx.query<OutboxRow>(
          `SELECT id, topic, envelope FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [limit],
        );
        if (rows.length === 0) return 0;
        await this.bus.publishEnvelopes(
          rows.map((r) => ({
            topic: r.topic,
            envelope: typeof r.envelope === 'string' ? (JSON.parse(r.envelope) as EventEnvelope) : r.envelope,
          })),
        );
        crashPoint('outbox.published-not-marked');
        await tx.query(`UPDATE ${this.table} SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => String(r.id))]);
        return rows.length;
      });
      this.failures = 0;
      return published;
    } catch (error) {
      this.failures++;
      await this.recordFailure((error as Error).message);
      throw error;
    }
  }

  /** Whether any row waits; an unanswered probe says yes, so that the pass that follows records the failure. */
  private async anyUnpublished(): Promise<boolean> {
    try {
      const rows = await this.db.query(`SELECT 1 FROM ${this.table} WHERE published_at IS NULL LIMIT 1`);
      return rows.length > 0;
    } catch {
      return true;
    }
  }

  /** Unpublished rows and the age of the oldest, for metrics and readiness. */
  async backlog(): Promise<{ count: number; oldestAgeMs: number }> {
    const [row] = await this.db.query<{ count: string | number; oldest: string | Date | null }>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM ${this.table} WHERE published_at IS NULL`,
    );
    const oldest = row?.oldest ? new Date(row.oldest).getTime() : undefined;
    return { count: Number(row?.count ?? 0), oldestAgeMs: oldest ? Math.max(0, Date.now() - oldest) : 0 };
  }

  /** The backlog for the gauges; undefined (no sample this scrape) when the database did not answer. */
  private async observedBacklog(): Promise<{ count: number; oldestAgeMs: number } | undefined> {
    try {
      return await this.backlog();
    } catch (error) {
      this.options.log?.('warn', 'outbox backlog unknown for metrics', { schema: this.options.schema, error: (error as Error).message });
      return undefined;
    }
  }

  private async recordFailure(message: string): Promise<void> {
    this.options.log?.('warn', 'outbox relay could not publish; will retry', {
      schema: this.options.schema,
      error: message,
      failures: this.failures,
    });
    try {
      await this.db.query(
        `UPDATE ${this.table} SET attempts = attempts + 1, last_error = $1 WHERE id IN (SELECT id FROM ${this.table} WHERE published_at IS NULL ORDER BY id LIMIT $2)`,
        [message.slice(0, 500), this.options.batchSize ?? 100],
      );
    } catch {
      // Bookkeeping only; the rows stay unpublished and will be retried.
    }
  }

  private async run(): Promise<void> {
    let idle = false;
    while (this.running) {
      let published = 0;
      try {
        // An idle poll asks one indexed question before it opens a transaction: three statements a poll become one
        // (six idle relays in the standalone ran 25 transactions a second). A nudge skips the question.
        const probe = idle && Date.now() - this.nudgedAt >= NUDGE_FOLLOW_UP_MS;
        published = probe && !(await this.anyUnpublished()) ? 0 : await this.relayOnce();
      } catch {
        // recorded in relayOnce; back off below
      }
      if (!this.running) break;
      idle = published === 0 && this.failures === 0;
      if (published >= (this.options.batchSize ?? 100)) continue;
      if (published > 0) {
        await this.pause(this.options.coalesceMs ?? RELAY_COALESCE_MS, 'stop only');
        continue;
      }
      const pause =
        this.failures > 0
          ? Math.min((this.options.pollIntervalMs ?? 250) * 2 ** this.failures, this.options.maxBackoffMs ?? 5000)
          : Date.now() - this.nudgedAt < NUDGE_FOLLOW_UP_MS
            ? NUDGE_RECHECK_MS
            : (this.options.pollIntervalMs ?? 250);
      await this.pause(pause, 'nudge or stop');
    }
  }

  /** Waits `ms`, or less when stopped (and, unless 'stop only', when nudged). */
  private async pause(ms: number, endedBy: 'nudge or stop' | 'stop only'): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        if (endedBy === 'stop only' && this.running) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }
}
