import { Module, type DynamicModule } from '@nestjs/common';
import type { z } from 'zod';
import { ConfigSliceModule, configToken, type ConfigShape, type ConfigSlice } from '@latchkey/config';
import { OperatorCredential } from './operator-credential';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyCodes, type OperatorKeyOptions } from './operator-key.options';

/** The variables of a slice whose values are strings (or unset). */
type StringVariable<S extends ConfigShape> = { [K in keyof S & string]: z.output<S[K]> extends string | undefined ? K : never }[keyof S & string];

/** How a service sets up its operator key. */
export interface OperatorKeyModuleOptions<S extends ConfigShape> {
  /** See {@link OperatorKeyOptions.service}. */
  readonly service: string;
  /** The service's config slice, and its variable holding the key (declared with `envOperatorKey()`). */
  readonly slice: ConfigSlice<S>;
  readonly variable: StringVariable<S>;
  readonly codes: OperatorKeyCodes;
}

/**
 * Gives a service the break-glass operator key of its admin API: the
 * credential (configured, generated when embedded, or absent: disabled) and
 * what `@AdminApi()`'s guard needs. Import it in the module that declares
 * the admin controllers.
 */
@Module({})
export class OperatorKeyModule {
  static forService<S extends ConfigShape>(options: OperatorKeyModuleOptions<S>): DynamicModule {
    const { service, slice, variable, codes } = options;
    return {
      module: OperatorKeyModule,
      imports: [ConfigSliceModule.forSlice(slice)],
      providers: [
        {
          provide: OPERATOR_KEY_OPTIONS,
          inject: [configToken(slice)],
          useFactory: (config: Readonly<Record<string, unknown>>): OperatorKeyOptions => {
            const configured = config[variable];
            if (configured !== undefined && typeof configured !== 'string') throw new Error(`${variable} is not a string variable`);
            return { service, variable, configured, codes };
          },
        },
        OperatorCredential,
      ],
      exports: [OPERATOR_KEY_OPTIONS, OperatorCredential],
    };
  }
}
