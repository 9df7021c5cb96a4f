import { join } from 'node:path';
import { FaceApiClient, faceApiEnv, faceApiOperatorKey, type ClientResource, type GatedOperation, type HttpAnswer } from './face-api-client';
import type { IssuerProcess } from './issuer-process';
import { ServiceProcess } from './service-process';
import { withServiceWorkspace, type ServiceWorkspace } from './service-workspace';

/**
 * The real face-api, run as its own process exactly as deployed (ServiceProcess), on a scratch database and
 * the test Kafka, trusting one issuer process; a test of another service (the audit's) may not import its feature
 * lib, and drives it over real HTTP only.
 */
export class FaceApiProcess {
  private constructor(
    private readonly service: ServiceProcess,
    private readonly workspace: ServiceWorkspace,
    private readonly client: FaceApiClient,
  ) {}

  /** Boots it; it is handed over once `/readyz` answers 200 (the revocation topic loaded), as an orchestrator would. */
  static async start(issuer: Pick<IssuerProcess, 'issuerUrl' | 'url'>): Promise<FaceApiProcess> {
    const operatorKey = faceApiOperatorKey();
    return withServiceWorkspace('face-api', async (workspace) => {
      const env = faceApiEnv(issuer, { dataDir: workspace.dataDir, spoolDir: join(workspace.dataDir, 'spool'), operatorKey });
      const service = await ServiceProcess.start('face-api', { env: { DATABASE_URL: workspace.database.url, ...env } });
      const client = new FaceApiClient(async ({ method, path, headers, payload }) => {
        const response = await fetch(`${service.url}${path}`, { method, headers, body: payload });
        return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      }, operatorKey);
      return new FaceApiProcess(service, workspace, client);
    });
  }

  /** Where it really listens. */
  get url(): string {
    return this.service.url;
  }

  /** Its stdout and stderr so far, for diagnostics. */
  logs(): string {
    return this.service.logs();
  }

  /** Registers a client resource through the admin API, as the operator would. */
  createClientResource(name: string): Promise<ClientResource> {
    return this.client.createClientResource(name);
  }

  /** A gated call over a real socket, as FaceApiClient.gated describes. */
  gated(operation: GatedOperation, key: string, token?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.client.gated(operation, key, token, headers);
  }

  /**
   * SIGTERM and wait, then drops its database.
   * @returns the exit code (0 for a clean shutdown)
   */
  async stop(): Promise<number | null> {
    const code = await this.service.stop();
    await this.workspace.dispose();
    return code;
  }
}
