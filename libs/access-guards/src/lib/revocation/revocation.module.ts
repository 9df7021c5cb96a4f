import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Histogram } from '@opentelemetry/api';
import { Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ReadinessRegistry } from '@latchkey/http';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EventBus, isEvent, PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS, type ConsumerHandle } from '@latchkey/messaging';
import { catalogueHistogram } from '@latchkey/telemetry';
import { RevocationCache } from './revocation-cache';

/**
 * Whether this instance's revocation state can be trusted: its feed must
 * have started and be running. A verifier that cannot know about a
 * revocation must not pass tokens as if there were none, so gated requests
 * fail closed once the feed has been down, stopped fetching, or stayed
 * behind the topic longer than the configured bound.
 */
@Injectable()
export class RevocationFeedStatus {
  private handle: ConsumerHandle | undefined;
  private lastRunningAt = 0;
  private loaded = false;

  attach(handle: ConsumerHandle, now = Date.now()): void {
    this.handle = handle;
    this.lastRunningAt = now;
  }

  /** The feed has read every revocation that existed when it started (the compacted topic is loaded). */
  markLoaded(): void {
    this.loaded = true;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get isRunning(): boolean {
    return this.handle?.running() === true;
  }

  /**
   * Milliseconds the feed may have missed revocations: since it last had
   * read everything on the topic (or, if the transport cannot tell, since it
   * was last seen running). Infinity before it started and loaded the topic.
   */
  staleForMs(now = Date.now()): number {
    if (this.handle === undefined || !this.loaded) return Number.POSITIVE_INFINITY;
    if (!this.handle.running()) return now - this.lastRunningAt;
    this.lastRunningAt = now;
    const caughtUpAt = this.handle.caughtUpAt();
    return caughtUpAt === undefined ? 0 : Math.max(0, now - caughtUpAt);
  }
}

const SERVICE = Symbol('latchkey:revocation-service');

/**
 * Feeds this instance's RevocationCache from `access.revocation`. Every
 * instance reads the whole compacted topic from the beginning under its own
 * consumer group, because the cache lives in memory: a shared group would
 * hand each instance only part of the state and skip history on restart.
 */
/** How often a starting feed asks the broker whether it has read the whole topic. */
const LOAD_POLL_MS = 100;

@Injectable()
export class RevocationFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  /** Time from a revocation's publication to its application here, {service}: how fast revocations bite (issue: within a second). */
  private readonly propagation: Histogram = catalogueHistogram('revocationPropagation');
  private readonly node = `${hostname()}:${process.pid}`;
  private stopping = false;

  constructor(
    private readonly bus: EventBus,
    private readonly cache: RevocationCache,
    private readonly status: RevocationFeedStatus,
    private readonly service: string,
    private readonly readiness: ReadinessRegistry | undefined,
  ) {
    this.logger = new Logger(`Revocations:${service}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const group = `${this.service}.revocations.${randomUUID()}`;
    const handle = await this.bus.subscribe({
      group,
      events: [AccessRevocationV1],
      // One member per group: a short session lets it rejoin within seconds after a broker restart. A feed stalled that
      // long is past LATCHKEY_REVOCATION_MAX_STALENESS_MS (5 s by default) anyway.
      sessionTimeoutMs: PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS,
      handle: async (event) => {
        if (!isEvent(event, AccessRevocationV1)) return;
        this.cache.apply(event.envelope.data);
        // The acknowledgement: which revocation, where, when, and how long it took to get here.
        const appliedAt = new Date();
        const propagationMs = Math.max(0, appliedAt.getTime() - Date.parse(event.envelope.time));
        // Replays of the topic's history at start are not propagation; only live records count.
        if (this.status.isLoaded) this.propagation.record(propagationMs, { service: this.service });
        this.logger.log({
          msg: 'revocation applied',
          revocationId: event.envelope.id,
          subject: event.envelope.subject,
          action: event.envelope.data.action,
          node: this.node,
          service: this.service,
          appliedAt: appliedAt.toISOString(),
          propagationMs,
        });
      },
    });
    this.status.attach(handle);
    this.readiness?.register('revocations', () => {
      if (!this.status.isLoaded) throw new Error('the revocation topic is not loaded yet');
      if (!this.status.isRunning) throw new Error('the revocation feed is not running');
    });
    void this.waitUntilLoaded(group);
  }

  onApplicationShutdown(): void {
    this.stopping = true;
  }

  /**
   * Polls the group's committed offsets against the topic's end until the
   * feed has read every revocation that existed at that moment; until then
   * the service is not ready and verifiers refuse gated requests (503),
   * because a token revoked earlier would otherwise pass.
   */
  private async waitUntilLoaded(group: string): Promise<void> {
    const started = Date.now();
    while (!this.stopping) {
      try {
        const progress = await this.bus.progress(group, AccessRevocationV1.topic);
        if (progress.every((p) => p.committed >= p.end)) {
          this.status.markLoaded();
          this.logger.log({ msg: 'revocation topic loaded', revocations: this.cache.size, ms: Date.now() - started, node: this.node });
          return;
        }
      } catch (error) {
        this.logger.warn({ msg: 'cannot read the revocation topic’s progress yet', error: (error as Error).message });
      }
      await new Promise((resolve) => setTimeout(resolve, LOAD_POLL_MS));
    }
  }
}

/** One module per service name, so that every importer of a service shares one cache and one feed (Nest 11 tells dynamic modules apart by reference). */
const perService = new Map<string, DynamicModule>();

/** Gives a service a RevocationCache kept current from the bus. Needs MessagingModule in the same app. */
@Module({})
export class RevocationModule {
  static forService(service: string): DynamicModule {
    let module = perService.get(service);
    if (module === undefined) {
      module = RevocationModule.create(service);
      perService.set(service, module);
    }
    return module;
  }

  private static create(service: string): DynamicModule {
    return {
      module: RevocationModule,
      providers: [
        RevocationCache,
        RevocationFeedStatus,
        { provide: SERVICE, useValue: service },
        {
          provide: RevocationFeed,
          inject: [EventBus, RevocationCache, RevocationFeedStatus, SERVICE, { token: ReadinessRegistry, optional: true }],
          useFactory: (bus: EventBus, cache: RevocationCache, status: RevocationFeedStatus, s: string, readiness?: ReadinessRegistry) =>
            new RevocationFeed(bus, cache, status, s, readiness),
        },
      ],
      exports: [RevocationCache, RevocationFeedStatus],
    };
  }
}
