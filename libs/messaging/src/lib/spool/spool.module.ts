import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigSliceModule, configToken, platformConfig, type ConfigOf, type Env } from '@latchkey/config';
import { EventBus, type EventBusOptions } from '../event-bus';
import { AcknowledgedPublisher } from './acknowledged-publisher';
import { DurableSpool } from './durable-spool';
import { SpoolDrainer } from './spool-drainer';
import { spoolConfig, spoolSettings, type SpoolSettings } from './spool.config';

/** How a service sets up its spool; every field is for tests. */
export interface SpoolModuleOptions {
  /** Where configuration is read from (default: the process environment). */
  readonly env?: Env;
  /** Budget of the last drain attempt on shutdown (default 3000 ms, within LATCHKEY_SHUTDOWN_TIMEOUT_MS). */
  readonly finalDrainMs?: number;
}

const SETTINGS = Symbol('latchkey:spool-settings');
const FINAL_DRAIN_MS = Symbol('latchkey:spool-final-drain-ms');

/**
 * Starts the drainer once the app has booted (the bus is connected by then).
 * On shutdown, before the HTTP server and the bus close, it stops the
 * drainer after one last bounded drain; after the server closed, it settles
 * the events still in flight and closes the spool.
 */
@Injectable()
class SpoolLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(SpoolDrainer) private readonly drainer: SpoolDrainer | null,
    private readonly publisher: AcknowledgedPublisher,
    @Inject(FINAL_DRAIN_MS) private readonly finalDrainMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.drainer?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drainer?.stop(this.finalDrainMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}

/**
 * Provides {@link AcknowledgedPublisher} to a service that must not perform
 * an operation before its event is recorded (a resource server and its
 * `lat.used`). Needs `MessagingModule.forService` beside it for the EventBus.
 * Global within one app, like MessagingModule.
 */
@Module({})
export class SpoolModule {
  static forService(service: string, options: SpoolModuleOptions = {}): DynamicModule {
    const logger = new Logger(`Spool:${service}`);
    const log: NonNullable<EventBusOptions['log']> = (level, message, fields) =>
      logger[level === 'info' ? 'log' : level]({ ...fields, msg: message });
    return {
      module: SpoolModule,
      global: true,
      imports: [ConfigSliceModule.forSlice(platformConfig, { env: options.env }), ConfigSliceModule.forSlice(spoolConfig, { env: options.env })],
      providers: [
        { provide: FINAL_DRAIN_MS, useValue: options.finalDrainMs ?? 3000 },
        {
          provide: SETTINGS,
          inject: [configToken(platformConfig), configToken(spoolConfig)],
          useFactory: (platform: ConfigOf<typeof platformConfig>, config: ConfigOf<typeof spoolConfig>) =>
            spoolSettings(service, platform, config),
        },
        {
          provide: DurableSpool,
          inject: [SETTINGS],
          useFactory: async (settings: SpoolSettings) => {
            if (settings.maxBytes === 0) {
              logger.warn({ msg: 'spool disabled: events the bus does not acknowledge in time are refused' });
              return null;
            }
            return DurableSpool.open({ dir: settings.dir, maxBytes: settings.maxBytes, log });
          },
        },
        {
          provide: SpoolDrainer,
          inject: [EventBus, DurableSpool, SETTINGS],
          useFactory: (bus: EventBus, spool: DurableSpool | null, settings: SpoolSettings) =>
            spool ? new SpoolDrainer(bus, spool, { sendDeadlineMs: settings.deadlineMs, log }) : null,
        },
        {
          provide: AcknowledgedPublisher,
          inject: [EventBus, DurableSpool, SpoolDrainer, SETTINGS],
          useFactory: (bus: EventBus, spool: DurableSpool | null, drainer: SpoolDrainer | null, settings: SpoolSettings) =>
            new AcknowledgedPublisher(bus, spool, drainer, { deadlineMs: settings.deadlineMs, log }),
        },
        SpoolLifecycle,
      ],
      exports: [AcknowledgedPublisher],
    };
  }
}
