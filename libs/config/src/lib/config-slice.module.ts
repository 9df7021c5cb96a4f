import { Inject, Module, type DynamicModule } from '@nestjs/common';
import type { ConfigShape, ConfigSlice, Env } from './config-slice';
import { loadConfig } from './load-config';

const usedSlices = new Set<ConfigSlice>();

/** The DI token of a slice's loaded values. */
export function configToken(slice: ConfigSlice): symbol {
  return slice.token;
}

/**
 * Injects a slice's values: `constructor(@InjectConfig(issuerConfig) private
 * readonly config: ConfigOf<typeof issuerConfig>)`.
 */
export const InjectConfig = (slice: ConfigSlice): ParameterDecorator & PropertyDecorator => Inject(configToken(slice));

/**
 * Every slice passed to `ConfigSliceModule.forSlice` so far (module metadata
 * is evaluated on import, before any app is created). The HTTP bootstrap
 * validates them all together before creating the app, so one error message
 * lists every bad variable of the process.
 */
export function registeredConfigSlices(): readonly ConfigSlice[] {
  return [...usedSlices];
}

/** Provides one config slice, validated when the module is instantiated. */
@Module({})
export class ConfigSliceModule {
  /**
   * @param options.env where to read from; defaults to the process environment
   *   (tests pass a plain object).
   */
  static forSlice<S extends ConfigShape>(slice: ConfigSlice<S>, options: { readonly env?: Env } = {}): DynamicModule {
    usedSlices.add(slice);
    const token = configToken(slice);
    return {
      module: ConfigSliceModule,
      providers: [{ provide: token, useFactory: () => loadConfig(slice, options.env) }],
      exports: [token],
    };
  }
}
