import { Injectable } from '@nestjs/common';
import type { OAuthErrorCode } from './oauth-wire';
import { isHttpErrorCode } from './http-error-codes';

/** How one service error code appears on the wire. */
export interface ErrorWireMapping {
  /** HTTP status, 400–599. */
  readonly status: number;
  /** Azure-style `error.code`, e.g. `BadArgument`, `Forbidden`. */
  readonly azureCode: string;
  /** Azure `error.innererror.code`; its message is then the error's own message. */
  readonly azureInnerCode?: string;
  /** RFC 6749 `error` on OAuth routes; derived from the status when absent. */
  readonly oauthError?: OAuthErrorCode;
  /** Fixed public message (e.g. the vendor's exact wording); default: the error's own message. */
  readonly message?: string;
}

/**
 * One entry per code of a service's code union: a table typed
 * `ErrorMappingTable<IssuerErrorCode>` fails to compile when a code is added
 * without its wire form, which makes it as exhaustive as a switch.
 */
export type ErrorMappingTable<Code extends string> = { readonly [C in Code]: ErrorWireMapping };

/**
 * Where services contribute the wire mapping of their `LatchkeyError` codes.
 * Call `register(table)` from a provider's constructor or `onModuleInit`; one
 * instance exists per app.
 */
@Injectable()
export class ErrorMappingRegistry {
  private readonly mappings = new Map<string, ErrorWireMapping>();

  /** @throws Error when a code is registered twice or a mapping is malformed. */
  register<Code extends string>(table: ErrorMappingTable<Code>): void {
    const entries: [string, ErrorWireMapping][] = Object.entries(table);
    for (const [code, mapping] of entries) {
      if (isHttpErrorCode(code)) throw new Error(`${code} is mapped by libs/http and cannot be remapped`);
      if (this.mappings.has(code)) throw new Error(`error code ${code} is already mapped`);
      if (!Number.isInteger(mapping.status) || mapping.status < 400 || mapping.status > 599) {
        throw new Error(`error code ${code} maps to status ${mapping.status}; errors need 400–599`);
      }
    }
    for (const [code, mapping] of entries) this.mappings.set(code, Object.freeze({ ...mapping }));
  }

  lookup(code: string): ErrorWireMapping | undefined {
    return this.mappings.get(code);
  }
}
