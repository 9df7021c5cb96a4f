import { randomUUID } from 'node:crypto';
import type { FeatureFlag } from '@latchkey/contracts';
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

/** One HTTP request to the face-api, however it is carried (Fastify's inject in-process, a socket to a process). */
export type FaceApiTransport = (request: { method: 'POST'; path: string; headers: Record<string, string>; payload: string }) => Promise<HttpAnswer>;

/** The environment a face-api needs to trust one issuer: its `iss`, and its JWKS fetched over HTTP from where it really listens. */
export function faceApiEnv(
  issuer: Pick<IssuerProcess, 'issuerUrl' | 'url'>,
  settings: { dataDir: string; spoolDir: string; operatorKey: string; spoolMaxBytes?: number; jwksCooldownMs?: number },
): Record<string, string> {
  return {
    LATCHKEY_DATA_DIR: settings.dataDir,
    LATCHKEY_LAT_ISSUER: issuer.issuerUrl,
    LATCHKEY_LAT_JWKS_URL: `${issuer.url}/.well-known/jwks.json`,
    // The minimum: after a key rotation or retirement the new key must be fetched within the test, not 30 s later.
    LATCHKEY_LAT_JWKS_COOLDOWN_MS: String(settings.jwksCooldownMs ?? 1000),
    LATCHKEY_RESOURCE_SERVER_URL: RESOURCE_SERVER_URL,
    LATCHKEY_SPOOL_DIR: settings.spoolDir,
    LATCHKEY_SPOOL_MAX_BYTES: String(settings.spoolMaxBytes ?? 64 * 1024 * 1024),
    LATCHKEY_FACE_API_OPERATOR_KEY: settings.operatorKey,
  };
}

/** An operator key for a face-api under test (the admin API wants at least 32 characters). */
export function faceApiOperatorKey(): string {
  return `op-${randomUUID()}-${randomUUID()}`;
}

/** The face-api as its operator and its clients call it: admin API, ungated detect, gated operations with valid bodies. */
export class FaceApiClient {
  private faces: { a: string; b: string } | undefined;

  constructor(
    private readonly send: FaceApiTransport,
    private readonly operatorKey: string,
  ) {}

  /** Registers a client resource through the admin API, as the operator would. */
  async createClientResource(name: string): Promise<ClientResource> {
    const resourceId = `/subscriptions/${randomUUID()}/resourceGroups/Token-Use/providers/Microsoft.CognitiveServices/accounts/${name}-${randomUUID().slice(0, 8)}`;
    const response = await this.send({
      method: 'POST',
      path: '/admin/v1/client-resources',
      headers: { authorization: `Bearer ${this.operatorKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ resourceId, displayName: `Token-use ${name}` }),
    });
    if (response.statusCode !== 201) throw new Error(`creating a client resource answered ${response.statusCode}: ${response.body}`);
    const created = JSON.parse(response.body) as { resourceId: string; subscriptionKey: string };
    return { resourceId: created.resourceId, armId: resourceId, subscriptionKey: created.subscriptionKey };
  }

  /** A valid body for each gated operation, on faces detected (ungated) by this face-api. */
  async bodyFor(operation: GatedOperation, key: string): Promise<unknown> {
    if (this.faces === undefined) {
      const detect = await this.send({
        method: 'POST',
        path: '/face/v1.0/detect',
        headers: { 'ocp-apim-subscription-key': key, 'content-type': 'application/json' },
        payload: JSON.stringify({ url: 'https://images.example.com/token-use/front-door.jpg' }),
      });
      if (detect.statusCode !== 200) throw new Error(`detect answered ${detect.statusCode}: ${detect.body}`);
      const [first, second] = JSON.parse(detect.body) as { faceId: string }[];
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
   * given, a valid body. `headers` are added last (a DPoP proof, a traceparent, or overrides); `query` (e.g.
   * `?returnFaceId=true`) is one the vendor defines and the face-api ignores.
   */
  async gated(operation: GatedOperation, key: string, token?: string, headers: Record<string, string> = {}, query = ''): Promise<HttpAnswer> {
    return this.send({
      method: 'POST',
      path: `/face/v1.0/${operation}${query}`,
      headers: {
        'ocp-apim-subscription-key': key,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...(token === undefined ? {} : { limitedaccesstoken: `Bearer ${token}` }),
        ...headers,
      },
      payload: JSON.stringify(await this.bodyFor(operation, key)),
    });
  }
}
