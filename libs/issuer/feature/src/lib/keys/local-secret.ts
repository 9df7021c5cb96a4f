import { randomBytes } from 'node:crypto';
import { readOrCreateSecretFile } from '@latchkey/access-guards';
import { LatchkeyError } from '@latchkey/contracts';

/** Where one of the issuer's 32-byte secrets comes from, decided from configuration. */
export interface LocalSecretSource {
  /** The configuration variable that sets it (base64), for the error message. */
  readonly variable: string;
  /** Its configured value, base64. */
  readonly configured: string | undefined;
  /** True when the platform runs on its embedded database (no DATABASE_URL). */
  readonly embedded: boolean;
  readonly dataDir: string;
  /** File name under `<dataDir>/secrets` for the embedded runtime. */
  readonly fileName: string;
}

/**
 * A 32-byte secret of the issuer: the key-encryption key sealing signing
 * keys, or the key that digests subscription keys. Configured in a
 * deployment; generated once under the data folder (mode 0600) for the
 * embedded runtime, where the data it protects lives in that same folder
 * anyway. A deployment on PostgreSQL without one refuses to boot: a secret
 * generated on one replica would be unknown to the next, and nobody would
 * back it up.
 */
export async function resolveLocalSecret(source: LocalSecretSource): Promise<Buffer> {
  if (source.configured) return Buffer.from(source.configured, 'base64');
  if (!source.embedded) {
    throw new LatchkeyError('ISSUER.SECRET_MISSING', `${source.variable} is required with DATABASE_URL`, { variable: source.variable });
  }
  const { value } = await readOrCreateSecretFile(source.dataDir, source.fileName, () => randomBytes(32).toString('base64'));
  return Buffer.from(value, 'base64');
}
