import type { FactoryProvider } from '@nestjs/common';
import { configToken } from '@latchkey/config';
import { entraConfig, type EntraConfig } from './entra.config';
import { EntraTokenValidator } from './entra-token.validator';

/**
 * Provides {@link EntraTokenValidator} from the `exchange-entra` config slice; the module also imports
 * `ConfigSliceModule.forSlice(entraConfig)`. One instance per process: the key caches live in it.
 */
export const entraTokenValidatorProvider: FactoryProvider<EntraTokenValidator> = {
  provide: EntraTokenValidator,
  inject: [configToken(entraConfig)],
  useFactory: (config: EntraConfig) => EntraTokenValidator.fromConfig(config),
};
