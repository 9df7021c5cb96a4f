import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The few members of an `oidc-provider` client this harness uses (the package ships no types). */
export interface OidcClient {
  readonly clientId: string;
}

/** An `oidc-provider` ID token under construction. */
export interface OidcIdToken {
  scope: string;
  set(claim: string, value: unknown): void;
  issue(options: { readonly use: 'idtoken'; readonly expiresAt?: number }): Promise<string>;
}

/** The few members of an `oidc-provider` `Provider` this harness uses. */
export interface OidcProvider {
  readonly issuer: string;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  readonly Client: { find(clientId: string): Promise<OidcClient | undefined> };
  readonly IdToken: new (claims: Record<string, unknown>, options: { readonly client: OidcClient }) => OidcIdToken;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

/** The `Provider` constructor: `new Provider(issuer, configuration)`. */
export type OidcProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => OidcProvider;

/**
 * `oidc-provider` is ESM-only and this workspace compiles to CommonJS, where TypeScript turns `import()` into
 * `require()` (which jest refuses for an ES module). A function built at run time keeps a real dynamic
 * `import()`, which jest serves when run with `--experimental-vm-modules` (the `test` target sets it). Its
 * source differs per load: V8 caches compiled functions by source, and a cached one keeps the dynamic-import
 * hook of the first test file's context ("Provided module is not an instance of Module" in the next file).
 */
const importEsm = new Function('specifier', `return import(specifier); // ${randomUUID()}`) as (specifier: string) => Promise<unknown>;

let loaded: Promise<OidcProviderConstructor> | undefined;

/** Loads `oidc-provider` once per test file. */
export function loadOidcProvider(): Promise<OidcProviderConstructor> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<OidcProviderConstructor> {
  // oidc-provider 9 warns on import that it prefers Node 22; the workspace runs Node 20, which it supports in
  // practice for what this harness uses. Silence that one line only, so test output stays readable.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
    warn(...args);
  };
  try {
    const module = (await importEsm('oidc-provider')) as { default: OidcProviderConstructor };
    return module.default;
  } finally {
    console.warn = warn;
  }
}
