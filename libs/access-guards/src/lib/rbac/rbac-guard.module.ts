import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, ModuleRef } from '@nestjs/core';
import { configToken, ConfigSliceModule, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { ErrorMappingRegistry, ReadinessRegistry } from '@latchkey/http';
import { AcknowledgedPublisher, EventBus } from '@latchkey/messaging';
import { createRemoteJwks } from '@latchkey/tokens';
import { JwksRefreshCounter } from '../metrics/jwks-refresh-counter';
import { RevocationModule } from '../revocation/revocation.module';
import { DecisionCache } from './decision-cache';
import { DECISION_SOURCE, HttpDecisionClient, type DecisionSource } from './decision-client';
import { RbacChangeFeed } from './rbac-change-feed';
import { BusDenialRecorder, RBAC_DENIAL_RECORDER, type DenialPublisher } from './rbac-denial-recorder';
import { declaredEndpoints, type EndpointDeclaration } from './endpoints/endpoint-declarations';
import { EndpointRegistrar, type Registration } from './endpoints/endpoint-registrar';
import { configuredServiceKey, endpointRegistryUrl, rbacGuardConfig } from './rbac-guard.config';
import { RBAC_GUARD_SETTINGS, type RbacGuardSettings } from './rbac-guard.settings';
import { RbacGuard } from './rbac.guard';
import { RBAC_WIRE_ERRORS } from './rbac-wire-errors';
import { deriveServiceKey, embeddedServiceKeySecret, serviceKeyVariable } from './service-key';

type RbacGuardConfig = ConfigOf<typeof rbacGuardConfig>;

/** Decisions remembered per instance: (subject, permission, tenant) pairs in active use. */
const DECISION_CACHE_ENTRIES = 50_000;

/** How a service sets up the RBAC guard. */
export interface RbacGuardModuleOptions {
  /** The service (log context, consumer group prefix, the 401 challenge's realm `latchkey-<service>`). */
  readonly service: string;
  /** This API's `aud` when LATCHKEY_RBAC_AUDIENCE is unset; default `api://latchkey-<service>`. */
  readonly audience?: string;
  /**
   * Whether the service is not ready until the `rbac.changed` feed has loaded
   * (default true): right for an API whose every endpoint is RBAC-guarded;
   * a service whose guarded endpoints are only its admin API passes false,
   * so that its main work does not wait on the rbac topic (its admin
   * requests still fail closed while the feed is stale).
   */
  readonly gatesReadiness?: boolean;
  /**
   * The rbac service itself: decisions and endpoint registration in-process
   * (its PolicyEngine and registry, looked up through the ModuleRef when
   * first used) instead of over HTTP to itself with its own key.
   */
  readonly local?: {
    readonly decisions: (modules: ModuleRef) => DecisionSource;
    readonly register: (modules: ModuleRef) => (endpoints: readonly EndpointDeclaration[]) => Promise<Registration>;
  };
  /** The cache's clock, epoch ms (tests). */
  readonly now?: () => number;
}

/** Apps whose error registry already holds the guard's table (a service may build more than one module tree in tests). */
const registered = new WeakSet<ErrorMappingRegistry>();

/** The longest wait between two attempts to load the exchange's keys at start. */
const WARM_UP_MAX_DELAY_MS = 5_000;

/**
 * Loads the exchange's keys at start, so the first guarded requests need not
 * wait (and a bad URL shows at boot). The exchange may start after us (the
 * standalone process starts it last; it serves its own admin API with this
 * guard before it listens): until the keys come, guarded requests answer
 * 503, and the load is retried in the background, 1 s doubling up to 5 s,
 * rather than left to the verifier's 30 s back-off after a failed fetch.
 */
class ExchangeKeysWarmUp implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RbacGuard');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(@Inject(RBAC_GUARD_SETTINGS) private readonly settings: RbacGuardSettings) {}

  onApplicationBootstrap(): void {
    void this.attempt(1000, true);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async attempt(delayMs: number, first: boolean): Promise<void> {
    try {
      await this.settings.keys.warmUp();
      this.settings.keyRefreshes.observe();
      this.logger.log({ msg: 'exchange signing keys loaded', jwksUrl: this.settings.keys.url, service: this.settings.service });
    } catch (error) {
      this.settings.keyRefreshes.observe();
      if (this.stopped) return;
      if (first) {
        this.logger.warn({
          msg: 'exchange signing keys not reachable yet; guarded requests answer 503 until they are',
          jwksUrl: this.settings.keys.url,
          error: (error as Error).message,
        });
      }
      this.timer = setTimeout(() => void this.attempt(Math.min(delayMs * 2, WARM_UP_MAX_DELAY_MS), false), delayMs);
      this.timer.unref();
    }
  }
}

/** Provider token of this service's own key for the decision API and the endpoint registry, or undefined when there is none. */
const RBAC_SERVICE_KEY = Symbol('latchkey:rbacServiceKey');

/**
 * Everything `@RequireScope` / `@RequirePermission` need in one service:
 * the configuration (rbacGuardConfig), the exchange's keys over HTTP, the
 * decision API client and this instance's decision cache, the `rbac.changed`
 * feed that clears it, the `rbac.denied` recorder and the wire form of every
 * refusal. Import it once, in the service's root module, beside
 * MessagingModule: it is global within the app, so every controller of the
 * service can use the decorators.
 */
@Module({})
export class RbacGuardModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  static forService(options: RbacGuardModuleOptions): DynamicModule {
    const config = ConfigSliceModule.forSlice(rbacGuardConfig);
    const token = configToken(rbacGuardConfig);
    const revocations = RevocationModule.forService(options.service);
    return {
      module: RbacGuardModule,
      global: true,
      // The same revocation state as the service's other verifiers (RevocationModule is one module per service);
      // re-exported, since the guard is built in each controller's module.
      imports: [config, DiscoveryModule, revocations],
      providers: [
        {
          provide: RBAC_GUARD_SETTINGS,
          inject: [token],
          useFactory: (c: RbacGuardConfig): RbacGuardSettings => {
            const keys = createRemoteJwks(
              c.LATCHKEY_RBAC_EXCHANGE_JWKS_URL ?? `${c.LATCHKEY_RBAC_EXCHANGE_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`,
            );
            return {
              service: options.service,
              keys,
              keyRefreshes: new JwksRefreshCounter(keys, 'exchange'),
              issuer: c.LATCHKEY_RBAC_EXCHANGE_ISSUER,
              audience: c.LATCHKEY_RBAC_AUDIENCE ?? options.audience ?? `api://latchkey-${options.service}`,
              adminAudience: c.LATCHKEY_RBAC_ADMIN_AUDIENCE,
              clockToleranceSeconds: c.LATCHKEY_RBAC_CLOCK_TOLERANCE_SECONDS,
              maxStalenessMs: c.LATCHKEY_RBAC_MAX_STALENESS_MS,
            };
          },
        },
        { provide: ExchangeKeysWarmUp, inject: [RBAC_GUARD_SETTINGS], useFactory: (s: RbacGuardSettings) => new ExchangeKeysWarmUp(s) },
        {
          provide: DecisionCache,
          inject: [token],
          useFactory: (c: RbacGuardConfig) =>
            new DecisionCache({ ttlMs: c.LATCHKEY_RBAC_DECISION_CACHE_TTL_MS, maxEntries: DECISION_CACHE_ENTRIES, now: options.now }),
        },
        {
          provide: RBAC_SERVICE_KEY,
          inject: [token],
          useFactory: async (c: RbacGuardConfig): Promise<string | undefined> => {
            // The rbac service decides and registers in-process: it presents no key.
            if (options.local) return undefined;
            const key = await resolveServiceKey(options.service, configuredServiceKey(c, options.service), loadConfig(platformConfig));
            if (key === undefined) {
              new Logger(`RbacGuard:${options.service}`).warn(
                `${serviceKeyVariable(options.service)} is not set: permission-gated endpoints answer 503 and endpoints are not registered`,
              );
            }
            return key;
          },
        },
        {
          provide: DECISION_SOURCE,
          inject: [token, RBAC_SERVICE_KEY, ModuleRef],
          useFactory: (c: RbacGuardConfig, key: string | undefined, modules: ModuleRef): DecisionSource =>
            options.local?.decisions(modules) ??
            new HttpDecisionClient({ url: c.LATCHKEY_RBAC_DECISION_URL, key, timeoutMs: c.LATCHKEY_RBAC_DECISION_TIMEOUT_MS }),
        },
        {
          provide: EndpointRegistrar,
          inject: [token, RBAC_SERVICE_KEY, DiscoveryService, ModuleRef],
          // Every controller of this app, read when the app is built: an admin handler without a permission stops the start here.
          useFactory: (c: RbacGuardConfig, key: string | undefined, discovery: DiscoveryService, modules: ModuleRef) =>
            new EndpointRegistrar({
              service: options.service,
              url: endpointRegistryUrl(c.LATCHKEY_RBAC_ENDPOINT_REGISTRY_URL, c.LATCHKEY_RBAC_DECISION_URL),
              key,
              send: options.local?.register(modules),
              endpoints: declaredEndpoints(controllersOf(discovery)),
            }),
        },
        {
          provide: RbacChangeFeed,
          inject: [EventBus, DecisionCache, { token: ReadinessRegistry, optional: true }],
          useFactory: (bus: EventBus, cache: DecisionCache, readiness?: ReadinessRegistry) =>
            new RbacChangeFeed(bus, cache, options.service, options.gatesReadiness === false ? undefined : readiness),
        },
        {
          provide: RBAC_DENIAL_RECORDER,
          inject: [EventBus, { token: AcknowledgedPublisher, optional: true }],
          // The spool keeps denials through a bus outage where the service has one; otherwise the bus, best effort.
          useFactory: (bus: EventBus, acknowledged?: AcknowledgedPublisher) => new BusDenialRecorder((acknowledged ?? bus) as DenialPublisher),
        },
        RbacGuard,
      ],
      exports: [
        config,
        revocations,
        RBAC_GUARD_SETTINGS,
        DecisionCache,
        DECISION_SOURCE,
        RbacChangeFeed,
        RBAC_DENIAL_RECORDER,
        RbacGuard,
        EndpointRegistrar,
      ],
    };
  }

  onModuleInit(): void {
    if (registered.has(this.errors)) return;
    this.errors.register(RBAC_WIRE_ERRORS);
    registered.add(this.errors);
  }
}

/** The app's controller classes, each once. */
function controllersOf(discovery: DiscoveryService): Type[] {
  const classes = discovery.getControllers().map((wrapper) => wrapper.metatype as Type | null);
  return [...new Set(classes.filter((metatype): metatype is Type => typeof metatype === 'function'))];
}

/**
 * This service's key: configured (the config slice checked that it names
 * this service); else, embedded, derived from the secret the rbac service
 * uses in the same data folder; else none (fail closed). Never the rbac
 * service's break-glass key.
 */
async function resolveServiceKey(
  service: string,
  configured: string | undefined,
  platform: { readonly DATABASE_URL?: string | undefined; readonly LATCHKEY_DATA_DIR: string },
): Promise<string | undefined> {
  if (configured !== undefined) return configured;
  if (platform.DATABASE_URL) return undefined;
  const { secret } = await embeddedServiceKeySecret(platform.LATCHKEY_DATA_DIR);
  return deriveServiceKey(secret, service);
}
