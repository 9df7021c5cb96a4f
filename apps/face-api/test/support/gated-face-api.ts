import { mkdtemp, rm } from 'node:fs/promises';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaceApiModule } from '@latchkey/face-api/feature';
import {
  FaceApiClient,
  faceApiEnv,
  faceApiOperatorKey,
  startServiceUnderTest,
  USER_AGENT,
  type ClientResource,
  type GatedOperation,
  type HttpAnswer,
  type IssuerProcess,
  type ServiceUnderTest,
} from '@latchkey/service-testing';
import type { WireError } from './face-api-client';

// The requests themselves are shared with FaceApiProcess (the face-api as a process, for other services' tests).
export { GATED, RESOURCE_SERVER_URL, USER_AGENT, type ClientResource, type GatedOperation, type HttpAnswer } from '@latchkey/service-testing';

/**
 * A face-api booted in-process (startServiceUnderTest: real PostgreSQL, real Kafka, listening on a real port)
 * that trusts one issuer process: its `iss`, and its JWKS fetched over HTTP from where it really listens.
 */
export class GatedFaceApi {
  private readonly client: FaceApiClient;

  private constructor(
    readonly service: ServiceUnderTest,
    readonly operatorKey: string,
    readonly spoolDir: string,
    private readonly dataDir: string,
  ) {
    this.client = new FaceApiClient(async ({ method, path, headers, payload }) => {
      const response = await this.service.handle.app.inject({ method, url: path, headers, payload });
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    }, operatorKey);
  }

  /**
   * Boots it; startServiceUnderTest hands it over once `/readyz` answers 200 (the revocation topic loaded):
   * before that every gated request is refused 503, and a test would test the boot instead.
   * @param options.spoolMaxBytes 0 disables the spool (a use that the bus does not take is then refused)
   * @param options.jwksCooldownMs how long the verifier waits between JWKS refetches for unknown kids (default 1000)
   */
  static async start(issuer: IssuerProcess, options: { spoolMaxBytes?: number; jwksCooldownMs?: number } = {}): Promise<GatedFaceApi> {
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-face-api-'));
    const spoolDir = join(dataDir, 'spool');
    const operatorKey = faceApiOperatorKey();
    const env = faceApiEnv(issuer, { dataDir, spoolDir, operatorKey, ...options });
    try {
      return new GatedFaceApi(await startServiceUnderTest('face-api', FaceApiModule, { env }), operatorKey, spoolDir, dataDir);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Where it really listens, for requests over a real socket. */
  get url(): string {
    return this.service.handle.url;
  }

  /** Registers a client resource through the admin API, as the operator would. */
  createClientResource(name: string): Promise<ClientResource> {
    return this.client.createClientResource(name);
  }

  /** A valid body for each gated operation, on faces detected (ungated) by this face-api. */
  bodyFor(operation: GatedOperation, key: string): Promise<unknown> {
    return this.client.bodyFor(operation, key);
  }

  /** A gated call as a client makes it (FaceApiClient.gated), through Fastify's inject. */
  gated(operation: GatedOperation, key: string, token?: string, headers: Record<string, string> = {}, query = ''): Promise<HttpAnswer> {
    return this.client.gated(operation, key, token, headers, query);
  }

  /**
   * The same call over a real TCP socket with node:http, headers exactly as given (a header given an array is
   * sent once per value, which Fastify's inject cannot reproduce: Node's server joins repeats with ", ").
   */
  async gatedOverSocket(operation: GatedOperation, key: string, headers: OutgoingHttpHeaders): Promise<HttpAnswer> {
    const payload = JSON.stringify(await this.bodyFor(operation, key));
    return new Promise((resolve, reject) => {
      const outgoing = request(
        `${this.url}/face/v1.0/${operation}`,
        {
          method: 'POST',
          headers: { 'ocp-apim-subscription-key': key, 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Asserts a refusal of the token guard as a client sees it: status, `error.code` (repeated in
 * `x-ms-error-code`), `innererror.code`, `Retry-After` on a 503; and that the body carries none of `secrets`,
 * no JWT at all, no subscription key, no key material and no stack trace.
 */
export function expectLatRefusal(answer: HttpAnswer, status: number, code: string, inner: string, secrets: readonly string[] = []): WireError {
  const body = JSON.parse(answer.body) as WireError;
  expect({ status: answer.statusCode, code: body.error?.code, inner: body.error?.innererror?.code }).toEqual({ status, code, inner });
  expect(answer.headers['x-ms-error-code']).toBe(code);
  expect(String(answer.headers['content-type'])).toMatch(/^application\/json/);
  if (status === 503) expect(String(answer.headers['retry-after'])).toMatch(/^[1-9]\d*$/);
  for (const secret of secrets) expect(answer.body).not.toContain(secret);
  expect(answer.body).not.toMatch(/eyJ[\w-]*\.[\w-]*/); // a JWS header segment: no token, whole or in part
  expect(answer.body).not.toMatch(/lk_[a-z]+_|op-[\w-]{20,}/); // no subscription or operator key
  expect(answer.body).not.toMatch(/"kty"|"crv"|BEGIN [A-Z ]*KEY/); // no key material
  expect(answer.body).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack trace
  return body;
}
