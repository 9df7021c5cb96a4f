import { Inject, Injectable, Module, Optional, type DynamicModule } from '@nestjs/common';
import { ConfigSliceModule, InjectConfig } from '@latchkey/config';
import { loadSheddingConfig, type LoadSheddingConfig } from './load-shedding.config';

/** What a service that takes public traffic sheds by when the environment does not say. */
export interface LoadSheddingDefaults {
  /** LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION when unset (percent; 0 is off). */
  readonly maxEventLoopUtilizationPercent: number;
}

const LOAD_SHEDDING_DEFAULTS = Symbol('LoadSheddingDefaults');

/** The shedding thresholds of a service that imported {@link LoadSheddingModule}: the environment's, else the service's defaults. */
@Injectable()
export class LoadSheddingPolicy {
  readonly config: LoadSheddingConfig;

  constructor(
    @InjectConfig(loadSheddingConfig) loaded: LoadSheddingConfig,
    @Optional() @Inject(LOAD_SHEDDING_DEFAULTS) defaults?: LoadSheddingDefaults,
  ) {
    this.config = {
      ...loaded,
      LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION: loaded.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION ?? defaults?.maxEventLoopUtilizationPercent ?? 0,
    };
  }
}

/**
 * Import it into a service module that takes public traffic (the issuer,
 * face-api) to have early load shedding: `createServiceApp` finds
 * {@link LoadSheddingPolicy} and installs the shedding hook before listening.
 * Declared by the service module rather than by each bootstrap, so every
 * host of the module (its own process, the standalone process, tests,
 * benchmarks) sheds the same way. The slice is validated at boot with the rest.
 *
 * Which signal binds first depends on where a service's time goes, so a
 * service can give its own defaults with {@link LoadSheddingModule.forService}:
 * imported plainly, the utilisation signal is off unless configured.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(loadSheddingConfig)],
  providers: [LoadSheddingPolicy],
  exports: [LoadSheddingPolicy],
})
export class LoadSheddingModule {
  static forService(defaults: LoadSheddingDefaults): DynamicModule {
    return {
      module: LoadSheddingModule,
      providers: [{ provide: LOAD_SHEDDING_DEFAULTS, useValue: defaults }],
    };
  }
}
