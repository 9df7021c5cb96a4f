import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { configToken, ConfigSliceModule, type ConfigOf } from '@latchkey/config';
import { ErrorMappingRegistry } from '@latchkey/http';
import { createRemoteJwks, DEFAULT_CLOCK_TOLERANCE_SECONDS, DEFAULT_DPOP_MAX_AGE_SECONDS, DpopReplayCache, type RemoteJwks } from '@latchkey/tokens';
import { JwksRefreshCounter } from '../metrics/jwks-refresh-counter';
import { RevocationCache } from '../revocation/revocation-cache';
import { RevocationFeedStatus, RevocationModule } from '../revocation/revocation.module';
import { UseEventRecorder } from './use-event-recorder';
import { GATED_USE_RECORDER } from './gated-use-recorder';
import { LAT_WIRE_ERRORS } from './lat-wire-errors';
import { limitedAccessConfig } from './limited-access.config';
import { LimitedAccessTokenVerifier } from './limited-access-token.verifier';
import { VerifiedTokenCache } from './verified-token-cache';

/** Provider token of the issuer's remote key set, shared by the verifier and readiness. */
export const LAT_KEYS = Symbol('latchkey:limitedAccessKeys');

/** Provider token of the counter of fetches of the issuer's key set (`latchkey.jwks.refreshes` {source: issuer}). */
const LAT_KEY_REFRESHES = Symbol('latchkey:limitedAccessKeyRefreshes');

/**
 * DPoP proofs remembered per instance for replay detection: a guarded route
 * serves a few thousand requests/s here, over the 65 s proof window.
 */
const DPOP_REPLAY_ENTRIES = 500_000;

/**
 * Verified tokens remembered per instance (a few hundred bytes each): the
 * tokens in active use by the clients this instance serves. A reused token
 * is verified in full again after a minute, so a key dropped from the JWKS
 * stops working within that (revocation stops it at once).
 */
const VERIFIED_TOKEN_ENTRIES = 20_000;
const REVERIFY_AFTER_MS = 60_000;

type LimitedAccessConfig = ConfigOf<typeof limitedAccessConfig>;

/** Fetches the issuer's keys once at start, so the first gated requests need not wait for them (and a bad URL shows at boot). */
class IssuerKeysWarmUp implements OnApplicationBootstrap {
  private readonly logger = new Logger('LimitedAccess');

  constructor(
    @Inject(LAT_KEYS) private readonly keys: RemoteJwks,
    @Inject(LAT_KEY_REFRESHES) private readonly refreshes: JwksRefreshCounter,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.keys.warmUp();
      this.logger.log({ msg: 'issuer signing keys loaded', jwksUrl: this.keys.url, keys: this.keys.status().keyCount });
    } catch (error) {
      // Not fatal: the issuer may start after us. Gated requests answer 503 until the keys come.
      this.logger.warn({
        msg: 'issuer signing keys not reachable yet; gated requests answer 503 until they are',
        jwksUrl: this.keys.url,
        error: (error as Error).message,
      });
    } finally {
      this.refreshes.observe();
    }
  }
}

/**
 * Everything a resource server needs to gate operations on limited access
 * tokens with `@RequiresFeature`: the configuration, the issuer's keys over
 * HTTP, the revocation feed, the verifier, the use recorder and the wire
 * form of every refusal. The importing module provides
 * `GATED_RESOURCE_RESOLVER` (which resource a request's credential names).
 */
@Module({})
export class LimitedAccessModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  static forService(service: string): DynamicModule {
    const config = ConfigSliceModule.forSlice(limitedAccessConfig);
    const revocations = RevocationModule.forService(service);
    const token = configToken(limitedAccessConfig);
    return {
      module: LimitedAccessModule,
      imports: [config, revocations],
      providers: [
        {
          provide: LAT_KEYS,
          inject: [token],
          useFactory: (c: LimitedAccessConfig) =>
            createRemoteJwks(c.LATCHKEY_LAT_JWKS_URL ?? `${c.LATCHKEY_LAT_ISSUER.replace(/\/+$/, '')}/.well-known/jwks.json`, {
              cooldownMs: c.LATCHKEY_LAT_JWKS_COOLDOWN_MS,
            }),
        },
        { provide: LAT_KEY_REFRESHES, inject: [LAT_KEYS], useFactory: (keys: RemoteJwks) => new JwksRefreshCounter(keys, 'issuer') },
        {
          provide: IssuerKeysWarmUp,
          inject: [LAT_KEYS, LAT_KEY_REFRESHES],
          useFactory: (keys: RemoteJwks, refreshes: JwksRefreshCounter) => new IssuerKeysWarmUp(keys, refreshes),
        },
        {
          provide: LimitedAccessTokenVerifier,
          inject: [token, LAT_KEYS, LAT_KEY_REFRESHES, RevocationCache, RevocationFeedStatus],
          useFactory: (
            c: LimitedAccessConfig,
            keys: RemoteJwks,
            refreshes: JwksRefreshCounter,
            cache: RevocationCache,
            status: RevocationFeedStatus,
          ) =>
            new LimitedAccessTokenVerifier({
              keys,
              keyRefreshes: refreshes,
              issuer: c.LATCHKEY_LAT_ISSUER,
              clockToleranceSeconds: c.LATCHKEY_LAT_CLOCK_TOLERANCE_SECONDS,
              maxRevocationStalenessMs: c.LATCHKEY_REVOCATION_MAX_STALENESS_MS,
              revocationStaleForMs: () => status.staleForMs(),
              revocations: cache,
              verifiedTokens: new VerifiedTokenCache({
                maxEntries: VERIFIED_TOKEN_ENTRIES,
                reverifyAfterMs: REVERIFY_AFTER_MS,
                clockToleranceSeconds: c.LATCHKEY_LAT_CLOCK_TOLERANCE_SECONDS,
              }),
              dpopReplays: new DpopReplayCache({
                maxEntries: DPOP_REPLAY_ENTRIES,
                windowSeconds: DEFAULT_DPOP_MAX_AGE_SECONDS + Math.max(c.LATCHKEY_LAT_CLOCK_TOLERANCE_SECONDS, DEFAULT_CLOCK_TOLERANCE_SECONDS),
              }),
            }),
        },
        { provide: GATED_USE_RECORDER, useClass: UseEventRecorder },
      ],
      exports: [config, revocations, LAT_KEYS, LimitedAccessTokenVerifier, GATED_USE_RECORDER],
    };
  }

  onModuleInit(): void {
    this.errors.register(LAT_WIRE_ERRORS);
  }
}
