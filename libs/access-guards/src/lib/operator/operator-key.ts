import { envString } from '@latchkey/config';
import { generateApiKey } from '@latchkey/tokens';
import { readOrCreateSecretFile } from './local-secret-file';

/** The shortest operator key accepted, from configuration or from the generated file. */
export const MIN_OPERATOR_KEY_LENGTH = 32;

/**
 * The config field of a service's operator key (`LATCHKEY_<SERVICE>_OPERATOR_KEY`): optional, a bearer
 * token (RFC 6750 b64token) of 32-512 characters. The service's slice adds its `.describe(…)`.
 */
export function envOperatorKey() {
  return envString()
    .regex(/^[A-Za-z0-9._~+/-]{32,512}=*$/, { message: 'must be 32-512 characters of a bearer token (letters, digits, ._~+/-)' })
    .optional();
}

/** Where a service's operator key comes from, decided from configuration. */
export interface OperatorKeySource {
  /** The service's configured key, already validated by its config slice. */
  readonly configured: string | undefined;
  /** True when the platform runs on its embedded database (no DATABASE_URL). */
  readonly embedded: boolean;
  readonly dataDir: string;
  /** File name under `<dataDir>/secrets` for the generated key, e.g. `issuer-operator-key`. */
  readonly fileName: string;
}

/** The resolved key and where it came from; `undefined` means the admin API is disabled. */
export type ResolvedOperatorKey =
  | { readonly key: string; readonly from: 'config' }
  | { readonly key: string; readonly from: 'file'; readonly path: string };

/**
 * The configured key; else, embedded, a key generated once under
 * `<dataDir>/secrets` (the operator reads it there, like the other local
 * secrets); else nothing. A missing operator key on PostgreSQL does not stop
 * the boot: the service's own work needs no operator, so only its admin API
 * stays shut (fails closed).
 */
export async function resolveOperatorKey(source: OperatorKeySource): Promise<ResolvedOperatorKey | undefined> {
  if (source.configured) return { key: source.configured, from: 'config' };
  if (!source.embedded) return undefined;
  const file = await readOrCreateSecretFile(source.dataDir, source.fileName, () => generateApiKey('operator'));
  if (file.value.length < MIN_OPERATOR_KEY_LENGTH || /\s/.test(file.value)) {
    throw new Error(`${file.path} does not hold an operator key of at least ${MIN_OPERATOR_KEY_LENGTH} characters; delete it to generate one`);
  }
  return { key: file.value, from: 'file', path: file.path };
}
