import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type OutgoingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureFlag } from '@latchkey/contracts';
import { FaceApiModule } from '@latchkey/face-api/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import type { WireError } from './face-api-client';
import type { IssuerProcess } from './issuer-process';

/** The face-api's public URL: DPoP proofs name it (`htu`), never the address the test reaches it at. */
export const RESOURCE_SERVER_URL = 'https://face.token-use.test';
/** Sent with every gated call, to find it again in `lat.used` / `lat.rejected`. */
export const USER_AGENT = 'token-use-e2e/1.0 (door controller)';

/** The three operations the LimitedAccessToken guard gates, by path. */
export type GatedOperation = 'identify' | 'verify' | 'findsimilars';
export const GATED: Readonly<Record<GatedOperation, { operation: string; feature: FeatureFlag }>> = {
  identify: { operation: 'face.identify', feature: 'Face.Identification' },
  verify: { operation: 'face.verify', feature: 'Face.Verification' },
  findsimilars: { operation: 'face.findsimilars', feature: 'LimitedAccess.HighRisk' },
};

/** A client's Face resource registered through the face-api admin API, with its (only) subscription key. */
export interface ClientResource {
  /** Canonical (lower-case), as tokens name it in `aud` and events in `resourceId`. */
  readonly resourceId: string;
  /** As Azure shows it and the operator registered it (mixed case): what an ISV backend sends to the issuer. */
  readonly armId: string;
  readonly subscriptionKey: string;
}

/** An HTTP answer, from Fastify's inject or a real socket. */
export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

/**
 * A face-api booted in-process (startServiceUnderTest: real PostgreSQL, real Kafka, listening on a real port)
 * that trusts one issuer process: its `iss`, and its JWKS fetched over HTTP from where it really listens.
 */
export class GatedFaceApi {
  private faces: { a: string; b: string } | undefined;

  private constructor(
    readonly service: ServiceUnderTest,
    readonly operatorKey: string,
    readonly spoolDir: string,
    private readonly dataDir: string,
  ) {}

  /**
   * Boots it; startServiceUnderTest hands it over once `/readyz` answers 200 (the revocation topic loaded):
   * before that every gated request is refused 503, and a test would test the boot instead.
   * @param options.spoolMaxBytes 0 disables the spool (a use that the bus does not take is then refused)
   * @param options.jwksCooldownMs how long the verifier waits between JWKS refetches for unknown kids (default 1000)
   */
  static async start(issuer: IssuerProcess, options: { spoolMaxBytes?: number; jwksCooldownMs?: number } = {}): Promise<GatedFaceApi> {
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-face-api-'));
    const spoolDir = join(dataDir, 'spool');
    const operatorKey = `op-${randomUUID()}-${randomUUID()}`;
    const env = {
      LATCHKEY_DATA_DIR: dataDir,
      LATCHKEY_LAT_ISSUER: issuer.issuerUrl,
      LATCHKEY_LAT_JWKS_URL: `${issuer.url}/.well-known/jwks.json`,
      // The minimum: after a key rotation or retirement the new key must be fetched within the test, not 30 s later.
      LATCHKEY_LAT_JWKS_COOLDOWN_MS: String(options.jwksCooldownMs ?? 1000),
      LATCHKEY_RESOURCE_SERVER_URL: RESOURCE_SERVER_URL,
      LATCHKEY_SPOOL_DIR: spoolDir,
      LATCHKEY_SPOOL_MAX_BYTES: String(options.spoolMaxBytes ?? 64 * 1024 * 1024),
      LATCHKEY_FACE_API_OPERATOR_KEY: operatorKey,
    };
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
  async createClientResource(name: string): Promise<ClientResource> {
    const resourceId = `/subscriptions/${randomUUID()}/resourceGroups/Token-Use/providers/Microsoft.CognitiveServices/accounts/${name}-${randomUUID().slice(0, 8)}`;
    const response = await this.service.handle.app.inject({
      method: 'POST',
      url: '/admin/v1/client-resources',
      headers: { authorization: `Bearer ${this.operatorKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ resourceId, displayName: `Token-use ${name}` }),
    });
    if (response.statusCode !== 201) throw new Error(`creating a client resource answered ${response.statusCode}: ${response.body}`);
    const created = response.json<{ resourceId: string; subscriptionKey: string }>();
    return { resourceId: created.resourceId, armId: resourceId, subscriptionKey: created.subscriptionKey };
  }

  /** A valid body for each gated operation, on faces detected (ungated) by this face-api. */
  async bodyFor(operation: GatedOperation, key: string): Promise<unknown> {
    if (this.faces === undefined) {
      const detect = await this.service.handle.app.inject({
        method: 'POST',
        url: '/face/v1.0/detect',
        headers: { 'ocp-apim-subscription-key': key, 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'https://images.example.com/token-use/front-door.jpg' }),
      });
      if (detect.statusCode !== 200) throw new Error(`detect answered ${detect.statusCode}: ${detect.body}`);
      const [first, second] = detect.json<{ faceId: string }[]>();
      if (first === undefined) throw new Error('detect found no face');
      this.faces = { a: first.faceId, b: (second ?? first).faceId };
    }
    const { a, b } = this.faces;
    switch (operation) {
      case 'identify':
        return { faceIds: [a], personGroupId: 'demo-group' };
      case 'verify':
        return { faceId1: a, faceId2: b };
      case 'findsimilars':
        return { faceId: a, faceListId: 'demo-face-list' };
    }
  }

  /**
   * A gated call as a client makes it: the resource's key, `LimitedAccessToken: Bearer <token>` when a token is
   * given, a valid body. `headers` are added last (a DPoP proof, or overrides); `query` (e.g. `?returnFaceId=true`)
   * is one the vendor defines and the face-api ignores.
   */
  async gated(operation: GatedOperation, key: string, token?: string, headers: Record<string, string> = {}, query = ''): Promise<HttpAnswer> {
    const response = await this.service.handle.app.inject({
      method: 'POST',
      url: `/face/v1.0/${operation}${query}`,
      headers: {
        'ocp-apim-subscription-key': key,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...(token === undefined ? {} : { limitedaccesstoken: `Bearer ${token}` }),
        ...headers,
      },
      payload: JSON.stringify(await this.bodyFor(operation, key)),
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
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
