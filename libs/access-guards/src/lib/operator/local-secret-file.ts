import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A secret kept in a file under `<dataDir>/secrets`, and where. */
export interface SecretFile {
  readonly value: string;
  readonly path: string;
}

/**
 * Reads `<dataDir>/secrets/<fileName>`, creating it first (directory 0700,
 * file 0600) with `generate()` when it does not exist. Creation is exclusive,
 * so instances starting together on one data folder agree on one secret.
 * For the embedded runtime only: a deployment configures its secrets, since a
 * file generated on one replica would be unknown to the next.
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
