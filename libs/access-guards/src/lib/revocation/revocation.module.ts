import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EventBus, isEvent } from '@latchkey/messaging';
import { RevocationCache } from './revocation-cache';

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

  constructor(
    private readonly bus: EventBus,
    private readonly cache: RevocationCache,
    private readonly service: string,
  ) {
    this.logger = new Logger(`Revocations:${service}`);
  }

  async onApplicationBootstrap(): Promise<void> {
    const group = `${this.service}.revocations.${randomUUID()}`;
    await this.bus.subscribe({
      group,
      events: [AccessRevocationV1],
      handle: async (event) => {
        if (!isEvent(event, AccessRevocationV1)) return;
        this.cache.apply(event.envelope.data);
        this.logger.log({ msg: 'revocation applied', subject: event.envelope.subject, action: event.envelope.data.action, eventId: event.envelope.id });
      },
    });
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
        { provide: SERVICE, useValue: service },
        { provide: RevocationFeed, inject: [EventBus, RevocationCache, SERVICE], useFactory: (bus: EventBus, cache: RevocationCache, s: string) => new RevocationFeed(bus, cache, s) },
      ],
      exports: [RevocationCache],
    };
  }
}
