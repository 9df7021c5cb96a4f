import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './cli-error';
import type { ServiceName } from './endpoints';

/** Where an operator credential may come from, in the order tried. */
export interface OperatorCredentialSource {
  /** --token: an internal operator access token (`npm run operator-token`), for every service. */
  readonly token: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dataDir: string;
}

/**
 * The bearer credential for a service's admin API: --token, else
 * LATCHKEY_OPERATOR_TOKEN, else the service's break-glass key file
 * `<data dir>/secrets/<service>-operator-key` (embedded mode generates it).
 * The credential itself never appears in a message.
 */
export async function operatorCredential(service: ServiceName, source: OperatorCredentialSource): Promise<string> {
  const given = source.token ?? source.env['LATCHKEY_OPERATOR_TOKEN'];
  if (given) return given.trim();
  const path = join(source.dataDir, 'secrets', `${service}-operator-key`);
  try {
    const key = (await readFile(path, 'utf8')).trim();
    if (key !== '') return key;
  } catch {
    // Missing or unreadable: said below, with every way to give a credential.
  }
  throw new CliError(
    `no operator credential for the ${service} service: give --token or LATCHKEY_OPERATOR_TOKEN (TOKEN=$(npm run -s operator-token)), or keep its break-glass key in ${path}`,
  );
}
