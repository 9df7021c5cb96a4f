import type { Command } from 'commander';
import type { CliIo } from './cli-io';
import { dataDirOf, Endpoints, SERVICES, type ServiceName } from './endpoints';
import { ServiceClient, type Credential } from './http-client';
import { operatorCredential } from './operator-credential';
import { Output } from './output';

/** The global options (latchkey.ts declares them), as commander hands them over. */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly dataDir?: string;
  readonly token?: string;
  readonly [serviceUrl: string]: unknown;
}

/** commander's key of `--<service>-url`: `issuerUrl`, `abuseDetectorUrl`, … */
function urlOptionKey(service: ServiceName): string {
  return `${service.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Url`;
}

/** What every command works with: where the services are, how to authenticate to them, where output goes. */
export class CliContext {
  readonly out: Output;
  readonly endpoints: Endpoints;
  readonly dataDir: string;
  private readonly token: string | undefined;

  constructor(
    readonly io: CliIo,
    globals: GlobalOptions,
  ) {
    this.out = new Output(io, globals.json === true);
    this.dataDir = dataDirOf(globals.dataDir, io.env, io.cwd);
    this.token = globals.token;
    const urls: Partial<Record<ServiceName, string>> = {};
    for (const service of SERVICES) {
      const value = globals[urlOptionKey(service)];
      if (typeof value === 'string') urls[service] = value;
    }
    this.endpoints = new Endpoints({ dataDir: this.dataDir, urls, env: io.env });
  }

  static of(io: CliIo, command: Command): CliContext {
    return new CliContext(io, command.optsWithGlobals<GlobalOptions>());
  }

  get json(): boolean {
    return this.out.json;
  }

  async client(service: ServiceName): Promise<ServiceClient> {
    return new ServiceClient(service, await this.endpoints.url(service), this.io.fetch);
  }

  /** A client for the service's admin API and the operator credential to send it. */
  async admin(service: ServiceName): Promise<{ client: ServiceClient; credential: Credential }> {
    // One after the other, not Promise.all: when both are missing, the caller is told about the URL first, every
    // time. In parallel, whichever file read failed first decided the message (a flaky test under CI's load).
    const client = await this.client(service);
    const bearer = await operatorCredential(service, { token: this.token, env: this.io.env, dataDir: this.dataDir });
    return { client, credential: { bearer } };
  }
}
