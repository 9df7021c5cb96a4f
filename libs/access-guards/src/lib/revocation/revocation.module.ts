import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { metrics } from '@opentelemetry/api';
import { Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EventBus, isEvent, type ConsumerHandle } from '@latchkey/messaging';
import { RevocationCache } from './revocation-cache';

/**
 * Whether this instance's revocation state can be trusted: its feed must
 * have started and be running. A verifier that cannot know about a
 * revocation must not pass tokens as if there were none, so gated requests
 * fail closed once the feed has been down longer than the configured bound.
 * (Consumer lag is not measured yet: a running feed counts as current.)
 */
@Injectable()
export class RevocationFeedStatus {
  private handle: ConsumerHandle | undefined;
  private lastRunningAt = 0;

  attach(handle: ConsumerHandle, now = Date.now()): void {
    this.handle = handle;
    this.lastRunningAt = now;
  }

  /** Milliseconds since the feed was last seen running; Infinity before it started. */
  staleForMs(now = Date.now()): number {
    if (this.handle === undefined) return Number.POSITIVE_INFINITY;
    if (this.handle.running()) {
      this.lastRunningAt = now;
      return 0;
    }
    return now - this.lastRunningAt;
  }
}

const SERVICE = Symbol('latchkey:revocation-service');

/**
 * Feeds this instance's RevocationCache from `access.revocation`. Every
 * instance reads the whole compacted topic from the beginning under its own
 * consumer group, because the cache lives in memory: a shared group would
 * hand each instance only part of the state and skip history on restart.
 */
@Injectable()
class RevocationFeed implements OnApplicationBootstrap {
  private readonly logger: Logger;
  /** Time from a revocation's publication to its application here: how fast revocations bite (issue: within a second). */
  private readonly propagation = metrics
    .getMeter('@latchkey/access-guards')
    .createHistogram('latchkey.revocation.propagation', { unit: 'ms', description: 'From an access.revocation event’s time to its application by this verifier' });
  private readonly node = `${hostname()}:${process.pid}`;

  constructor(
    private readonly bus: EventBus,
    private readonly cache: RevocationCache,
    private readonly status: RevocationFeedStatus,
    private readonly service: string,
  ) {
    this.logger = new Logger(`Revocations:${service}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const group = `${this.service}.revocations.${randomUUID()}`;
    const handle = await this.bus.subscribe({
      group,
      events: [AccessRevocationV1],
      handle: async (event) => {
        if (!isEvent(event, AccessRevocationV1)) return;
        this.cache.apply(event.envelope.data);
        // The acknowledgement: which revocation, where, when, and how long it took to get here.
        const appliedAt = new Date();
        const propagationMs = Math.max(0, appliedAt.getTime() - Date.parse(event.envelope.time));
        this.propagation.record(propagationMs, { service: this.service });
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
  }
}

/** Gives a service a RevocationCache kept current from the bus. Needs MessagingModule in the same app. */
@Module({})
export class RevocationModule {
  static forService(service: string): DynamicModule {
    return {
      module: RevocationModule,
      providers: [
        RevocationCache,
        RevocationFeedStatus,
        { provide: SERVICE, useValue: service },
        {
          provide: RevocationFeed,
          inject: [EventBus, RevocationCache, RevocationFeedStatus, SERVICE],
          useFactory: (bus: EventBus, cache: RevocationCache, status: RevocationFeedStatus, s: string) => new RevocationFeed(bus, cache, status, s),
        },
      ],
      exports: [RevocationCache, RevocationFeedStatus],
    };
  }
}
