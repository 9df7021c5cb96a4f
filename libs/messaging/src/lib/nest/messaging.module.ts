import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { loadConfig, platformConfig } from '@latchkey/config';
import { EventBus } from '../event-bus';
import { InProcessTransport } from '../in-process/in-process-transport';
import { KafkaTransport } from '../kafka/kafka-transport';
import { OutboxRelay } from '../outbox/outbox-relay';
import { OutboxWriter } from '../outbox/outbox-writer';
import type { TransactionalSql } from '../outbox/sql';
import type { Transport } from '../transport/transport';
import {
  EVENT_CONSUMER,
  type EventConsumerOptions,
  type HandlesEventBatches,
  type HandlesEvents,
  type RewindsOnStart,
} from './event-consumer.decorator';

/** How a service plugs into the bus. */
export interface MessagingModuleOptions {
  /** Service name; the CloudEvents source becomes `/latchkey/<service>`. */
  readonly service: string;
  /** When the service publishes through an outbox: its schema and the token of its Database. */
  readonly outbox?: { readonly schema: string; readonly database: InjectionToken };
  /** Overrides the transport chosen from configuration (tests). */
  readonly transport?: () => Transport;
}

const OPTIONS = Symbol('latchkey:messaging-options');

function transportFromConfig(service: string, logger: Logger): Transport {
  const config = loadConfig(platformConfig);
  if (!config.KAFKA_BROKERS) return new InProcessTransport();
  return new KafkaTransport({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID ?? 'latchkey'}-${service}`,
    producerThread: config.KAFKA_PRODUCER_THREAD,
    log: (level, message) => logger[level](message),
  });
}

/**
 * Connects the bus before the app listens, subscribes every @EventConsumer
 * provider once the app has booted, runs the outbox relay, and closes all of
 * it on shutdown (relay first, so nothing is half-published).
 */
@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  // The context names the service: in the standalone process every app shares Nest's static logger.
  private readonly logger: Logger;

  constructor(
    private readonly bus: EventBus,
    private readonly discovery: DiscoveryService,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay | null,
    @Inject(OPTIONS) options: MessagingModuleOptions,
  ) {
    this.logger = new Logger(`Messaging:${options.service}`);
  }

  async onModuleInit(): Promise<void> {
    await this.bus.connect();
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Partial<HandlesEvents & HandlesEventBatches & RewindsOnStart> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const options = Reflect.getMetadata(EVENT_CONSUMER, wrapper.metatype) as EventConsumerOptions | undefined;
      if (!options) continue;
      const { batch, ...declared } = options;
      const subscription = typeof instance.rewindMs === 'function' ? { ...declared, rewindMs: instance.rewindMs() } : declared;
      if (batch) {
        if (typeof instance.handleBatch !== 'function') throw new Error(`${wrapper.name} is a batch @EventConsumer without handleBatch()`);
        const handleBatch = instance.handleBatch.bind(instance);
        await this.bus.subscribeBatch({ ...subscription, handleBatch, maxBatchSize: batch.maxSize, concurrency: batch.concurrency });
      } else {
        if (typeof instance.handle !== 'function') throw new Error(`${wrapper.name} is an @EventConsumer without handle()`);
        const handle = instance.handle.bind(instance);
        await this.bus.subscribe({ ...subscription, handle });
      }
      this.logger.log(`consumer ${options.group} subscribed to ${options.events.map((e) => e.type).join(', ')}`);
    }
    this.relay?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
    await this.bus.close();
  }
}

/** The Nest face of @latchkey/messaging: provides EventBus (and OutboxWriter when an outbox is configured). */
@Module({})
export class MessagingModule {
  static forService(options: MessagingModuleOptions): DynamicModule {
    const logger = new Logger(`Messaging:${options.service}`);
    return {
      module: MessagingModule,
      // Global within one app: every module of the service publishes and consumes.
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: EventBus,
          useFactory: () =>
            new EventBus({
              source: `/latchkey/${options.service}`,
              transport: options.transport?.() ?? transportFromConfig(options.service, logger),
              log: (level, message, fields) => logger[level === 'info' ? 'log' : level]({ ...fields, msg: message }),
            }),
        },
        {
          provide: OutboxRelay,
          inject: options.outbox ? [EventBus, options.outbox.database] : [],
          useFactory: (bus?: EventBus, db?: TransactionalSql) =>
            options.outbox && bus && db
              ? new OutboxRelay(db, bus, {
                  schema: options.outbox.schema,
                  log: (level, message, fields) => logger[level === 'info' ? 'log' : level]({ ...fields, msg: message }),
                })
              : null,
        },
        {
          provide: OutboxWriter,
          inject: [EventBus, OutboxRelay],
          useFactory: (bus: EventBus, relay: OutboxRelay | null) =>
            options.outbox ? new OutboxWriter(bus, options.outbox.schema, () => relay?.nudge()) : null,
        },
        MessagingLifecycle,
      ],
      exports: [EventBus, OutboxWriter, OutboxRelay],
    };
  }
}
