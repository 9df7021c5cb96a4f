import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CliError } from './cli-error';

/** The platform's services, as `npm start` names them in `demo-credentials.json`. */
export const SERVICES = ['issuer', 'face-api', 'exchange', 'rbac', 'audit', 'abuse-detector', 'testapi'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** `--issuer-url`, `--abuse-detector-url`, … */
export function urlFlag(service: ServiceName): string {
  return `${service}-url`;
}

/** `LATCHKEY_ISSUER_URL`, `LATCHKEY_ABUSE_DETECTOR_URL`, … (the names the services use for their own public URLs). */
export function urlEnv(service: ServiceName): string {
  return `LATCHKEY_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** The global options that locate the platform. */
export interface Locator {
  readonly dataDir: string;
  /** Explicit URLs by service, from flags. */
  readonly urls: Partial<Record<ServiceName, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The data folder: --data-dir, else LATCHKEY_DATA_DIR, else `.data` (what `npm start` uses). */
export function dataDirOf(flag: string | undefined, env: Locator['env'], cwd: string): string {
  return resolve(cwd, flag ?? (env['LATCHKEY_DATA_DIR'] || '.data'));
}

/**
 * Finds service base URLs: a flag, else the environment, else the
 * `services` of `<data dir>/demo-credentials.json` that `npm start` writes.
 * The file is read once, and only when a flag or variable does not answer.
 */
export class Endpoints {
  private credentials: Promise<Partial<Record<string, string>> | undefined> | undefined;

  constructor(private readonly locator: Locator) {}

  get credentialsPath(): string {
    return join(this.locator.dataDir, 'demo-credentials.json');
  }

  async url(service: ServiceName): Promise<string> {
    const found = this.locator.urls[service] ?? this.locator.env[urlEnv(service)] ?? (await this.fromCredentials())?.[service];
    if (!found) {
      throw new CliError(
        `no URL for the ${service} service: give --${urlFlag(service)} or ${urlEnv(service)}, or run \`npm start\` (it writes ${this.credentialsPath})`,
      );
    }
    return stripSlash(found);
  }

  /** Every service with a URL from any source, in the platform's order (status). */
  async known(): Promise<{ service: ServiceName; url: string }[]> {
    const fromFile = await this.fromCredentials();
    const found: { service: ServiceName; url: string }[] = [];
    for (const service of SERVICES) {
      const url = this.locator.urls[service] ?? this.locator.env[urlEnv(service)] ?? fromFile?.[service];
      if (url) found.push({ service, url: stripSlash(url) });
    }
    return found;
  }

  private fromCredentials(): Promise<Partial<Record<string, string>> | undefined> {
    this.credentials ??= readFile(this.credentialsPath, 'utf8').then(
      (text) => {
        try {
          const services = (JSON.parse(text) as { services?: unknown }).services;
          return typeof services === 'object' && services !== null ? (services as Record<string, string>) : undefined;
        } catch {
          throw new CliError(`${this.credentialsPath} is not JSON (was it edited?)`);
        }
      },
      () => undefined,
    );
    return this.credentials;
  }
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
