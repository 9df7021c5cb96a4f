import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LatchkeyError } from '@latchkey/contracts';

/** Where the key-encryption key comes from, decided from configuration. */
export interface KeyEncryptionKeySource {
  /** LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY, base64. */
  readonly configured: string | undefined;
  /** True when the platform runs on its embedded database (no DATABASE_URL). */
  readonly embedded: boolean;
  readonly dataDir: string;
}

/**
 * The 32-byte key that seals signing keys at rest. Configured in a
 * deployment; generated once under the data folder (mode 0600) for the
 * embedded runtime, where the sealed keys live in that same folder anyway.
 * A deployment on PostgreSQL without one refuses to boot: keys sealed by a
 * generated file on one replica would be unreadable on the next.
 */
export async function resolveKeyEncryptionKey(source: KeyEncryptionKeySource): Promise<Buffer> {
  if (source.configured) return Buffer.from(source.configured, 'base64');
  if (!source.embedded) {
    throw new LatchkeyError('ISSUER.KEY_ENCRYPTION_KEY_MISSING', 'LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY is required with DATABASE_URL');
  }
  const dir = join(source.dataDir, 'secrets');
  const path = join(dir, 'issuer-key-encryption-key');
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    await writeFile(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error; // another instance won the race: use its key
    });
    await chmod(path, 0o600);
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  }
}
