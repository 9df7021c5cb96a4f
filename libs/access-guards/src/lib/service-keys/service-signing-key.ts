import { loadConfig, platformConfig } from '@latchkey/config';
import { LatchkeyError } from '@latchkey/contracts';
import { DEFAULT_SIGNING_ALGORITHM, generateSigningKey, KeyRing, restoreSigningKey, type PublicJwks, type SigningKey } from '@latchkey/tokens';
import { readOrCreateSecretFile } from '../operator/local-secret-file';

/** Where a service's own signing key comes from. */
export interface ServiceSigningKeyOptions {
  /** The variable that configures it (a private JWK as JSON), for error messages. */
  readonly variable: string;
  /** Its value, when configured. */
  readonly configured: string | undefined;
  /** The file under `<dataDir>/secrets` that keeps the generated key of the embedded runtime. */
  readonly fileName: string;
  /** The error codes for a missing key on PostgreSQL and for a value that is not a private JWK. */
  readonly codes: { readonly missing: string; readonly invalid: string };
}

/** A service's loaded signing key, its public JWKS, and where it came from (for the start-up log). */
export interface ServiceSigningKey {
  readonly key: SigningKey;
  readonly jwks: PublicJwks;
  /** `configured`, or the path of the generated key file. */
  readonly source: string;
}

/**
 * Loads the key a service signs its own artefacts with (audit checkpoints,
 * the exchange's internal tokens): configured in a deployment, so every
 * replica signs with the same key; generated once under the data folder for
 * the embedded runtime, whose stores live in that folder too. On PostgreSQL
 * without one the service must not boot: what it signs with a key nobody
 * kept could never be verified after a restart.
 *
 * @throws LatchkeyError `codes.missing` or `codes.invalid`
 */
export async function loadServiceSigningKey(options: ServiceSigningKeyOptions): Promise<ServiceSigningKey> {
  const platform = loadConfig(platformConfig);
  let privateJwk = options.configured;
  let source = 'configured';
  if (privateJwk === undefined) {
    if (platform.DATABASE_URL) {
      throw new LatchkeyError(options.codes.missing, `${options.variable} is required with DATABASE_URL`, { variable: options.variable });
    }
    const generated = await generateSigningKey(DEFAULT_SIGNING_ALGORITHM);
    const file = await readOrCreateSecretFile(platform.LATCHKEY_DATA_DIR, options.fileName, () => JSON.stringify(generated.privateJwk));
    privateJwk = file.value;
    source = file.path;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(privateJwk);
  } catch {
    // Never the value: it is a private key.
    throw new LatchkeyError(options.codes.invalid, `${options.variable} is not a JSON private JWK`, { variable: options.variable });
  }
  const key = await restoreSigningKey(parsed, new Date());
  return { key, jwks: new KeyRing([{ key, status: 'active' }]).publicJwks(), source };
}
