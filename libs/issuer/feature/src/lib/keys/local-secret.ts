import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** A secret kept in a file under `<dataDir>/secrets`, and where. */
export interface SecretFile {
  readonly value: string;
  readonly path: string;
}

/**
 * Reads `<dataDir>/secrets/<fileName>`, creating it first (directory 0700,
 * file 0600) with `generate()` when it does not exist. Creation is exclusive,
 * so instances starting together on one data folder agree on one secret.
 */
export async function readOrCreateSecretFile(dataDir: string, fileName: string, generate: () => string): Promise<SecretFile> {
  const dir = join(dataDir, 'secrets');
  const path = join(dir, fileName);
  try {
    return { value: (await readFile(path, 'utf8')).trim(), path };
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(path, generate() + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another instance won the race: use its secret
    });
    await chmod(path, 0o600);
    return { value: (await readFile(path, 'utf8')).trim(), path };
  }
}
