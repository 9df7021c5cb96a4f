import { Injectable, Module } from '@nestjs/common';
import { ConfigSliceModule, InjectConfig } from '@latchkey/config';
import { loadSheddingConfig, type LoadSheddingConfig } from './load-shedding.config';

/** The shedding thresholds of a service that imported {@link LoadSheddingModule}. */
@Injectable()
export class LoadSheddingPolicy {
  constructor(@InjectConfig(loadSheddingConfig) readonly config: LoadSheddingConfig) {}
}

/**
 * Import it into a service module that takes public traffic (the issuer,
 * face-api) to have early load shedding: `createServiceApp` finds
 * {@link LoadSheddingPolicy} and installs the shedding hook before listening.
 * Declared by the service module rather than by each bootstrap, so every
 * host of the module (its own process, the standalone process, tests,
 * benchmarks) sheds the same way. The slice is validated at boot with the rest.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(loadSheddingConfig)],
  providers: [LoadSheddingPolicy],
  exports: [LoadSheddingPolicy],
})
export class LoadSheddingModule {}
