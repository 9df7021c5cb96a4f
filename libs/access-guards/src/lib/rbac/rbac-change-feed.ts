import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RbacChangedV1 } from '@latchkey/contracts';
import type { ReadinessRegistry } from '@latchkey/http';
import { isEvent, PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS, type ConsumerHandle, type EventBus } from '@latchkey/messaging';
import type { DecisionCache } from './decision-cache';

/** How often a starting feed asks the broker whether it has read the whole topic. */
const LOAD_POLL_MS = 100;

/**
 * Keeps this instance's DecisionCache honest: every instance reads
 * `rbac.changed` under its own consumer group (from the start, so it knows
 * the current version), because the cache lives in memory and each one must
 * see every change; a shared group would hand each instance only some.
 *
 * Its staleness decides whether cached decisions may be used at all: until
 * the feed has read the whole topic, when its consumer stopped, or when it
 * has not been caught up with the topic for longer than the bound, a policy
 * change may have been missed, so the guard asks the decision API for every
 * request (and answers 503 when that fails). The consumer's `caughtUpAt`
 * (the last fetch that found nothing more to read) is the heartbeat: an idle
 * topic still yields empty fetches, a dead or lagging consumer does not.
 */
@Injectable()
export class RbacChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private handle: ConsumerHandle | undefined;
  private lastRunningAt = 0;
  private loaded = false;
  private stopping = false;

  constructor(
    private readonly bus: EventBus,
    private readonly cache: DecisionCache,
    private readonly service: string,
    private readonly readiness: ReadinessRegistry | undefined,
  ) {
    this.logger = new Logger(`RbacChanges:${service}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const group = `${this.service}.rbac-changes.${randomUUID()}`;
    this.handle = await this.bus.subscribe({
      group,
      events: [RbacChangedV1],
      // One member per group: a short session lets it rejoin within seconds after a broker restart (the face-api was
      // not ready for ~26 s after one with the default 30 s).
      sessionTimeoutMs: PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS,
      handle: async (event) => {
        if (!isEvent(event, RbacChangedV1)) return;
        const { version, change } = event.envelope.data;
        if (this.cache.applyChange(version) && this.loaded) {
          this.logger.log({ msg: 'rbac change applied; cached decisions dropped', version, change, eventId: event.envelope.id });
        }
      },
    });
    this.lastRunningAt = Date.now();
    this.readiness?.register('rbac-changes', () => {
      if (!this.loaded) throw new Error('the rbac.changed topic is not loaded yet');
      if (this.handle?.running() !== true) throw new Error('the rbac.changed feed is not running');
    });
    void this.waitUntilLoaded(group);
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * Milliseconds during which a policy change may have been missed: since
   * the feed last had read everything (or was last seen running when it
   * stopped). Infinity before it started and read the topic once.
   */
  staleForMs(now = Date.now()): number {
    if (this.handle === undefined || !this.loaded) return Number.POSITIVE_INFINITY;
    if (!this.handle.running()) return now - this.lastRunningAt;
    this.lastRunningAt = now;
    const caughtUpAt = this.handle.caughtUpAt();
    return caughtUpAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - caughtUpAt);
  }

  /** Polls the group's offsets against the topic's end until every change that existed at start has been read. */
  private async waitUntilLoaded(group: string): Promise<void> {
    while (!this.stopping) {
      try {
        const progress = await this.bus.progress(group, RbacChangedV1.topic);
        if (progress.every((p) => p.committed >= p.end)) {
          this.loaded = true;
          this.logger.log({ msg: 'rbac.changed loaded', version: this.cache.version });
          return;
        }
      } catch (error) {
        this.logger.warn({ msg: 'cannot read the rbac.changed progress yet', error: (error as Error).message });
      }
      await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS));
    }
  }
}
