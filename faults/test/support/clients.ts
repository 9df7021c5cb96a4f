import type { FeatureFlag } from '@latchkey/contracts';
import { FaceApiClient, type ClientResource, type GatedOperation, type HttpAnswer } from '@latchkey/service-testing';
import type { Fleet } from './fleet';

/** How long a client of the load waits for an answer; a request still unanswered then counts as lost at the socket. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** An answer, or why none came (a refused connection, a reset, a timeout). */
export type Outcome = { readonly status: number; readonly text: string } | { readonly lost: string };

async function send(url: string, init: RequestInit): Promise<Outcome> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { lost: cause ?? (error as Error).name };
  }
}

/** An ISV onboarded by the operator, with the flags it was granted. */
export interface FaultIsv {
  readonly id: string;
  readonly subscriptionKey: string;
  readonly granted: readonly FeatureFlag[];
}

/**
 * The fleet's public HTTP surface as its clients and operators use it, wherever each service listens now: the
 * issuer's admin API and STS, the face-api's admin API and gated operations. Nothing else of a service is reached.
 */
export class FleetClients {
  private readonly face: FaceApiClient;

  constructor(private readonly fleet: Fleet) {
    this.face = new FaceApiClient(async ({ method, path, headers, payload }) => {
      const outcome = await send(`${fleet.face.url}${path}`, { method, headers, body: payload });
      if ('lost' in outcome) throw new LostAnswer(outcome.lost);
      return { statusCode: outcome.status, headers: {}, body: outcome.text };
    }, fleet.faceApiOperatorKey);
  }

  /** Registers, grants and approves an ISV through the issuer's admin API and issues the key of its slot 1. */
  async onboardIsv(id: string, granted: readonly FeatureFlag[]): Promise<FaultIsv> {
    await this.admin('POST', '/isvs', 201, { id, displayName: `Faults ${id}` });
    for (const feature of granted) await this.admin('PUT', `/isvs/${id}/features/${feature}`, 200);
    await this.admin('POST', `/isvs/${id}/approve`, 200);
    const { subscriptionKey } = JSON.parse(await this.admin('POST', `/isvs/${id}/keys/1`, 201)) as { subscriptionKey: string };
    return { id, subscriptionKey, granted };
  }

  /** Registers a client resource (a door) through the face-api's admin API. */
  createClientResource(name: string): Promise<ClientResource> {
    return this.face.createClientResource(name);
  }

  /** Detects the faces the gated bodies name, once, before any fault (FaceApiClient keeps them). */
  async warmUp(door: ClientResource): Promise<void> {
    await this.face.bodyFor('identify', door.subscriptionKey);
  }

  /** `POST /sts/v1.0/issueLimitedAccessToken` as an ISV backend calls it. */
  issue(isvKey: string, resourceId: string, features: readonly FeatureFlag[]): Promise<Outcome> {
    return send(`${this.fleet.issuer.url}/sts/v1.0/issueLimitedAccessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': isvKey },
      body: JSON.stringify({ targetAzureResourceId: resourceId, featureFlags: features }),
    });
  }

  /** A gated call with a token, carrying `traceId` in its traceparent so its `lat.used` can be found. */
  async gated(operation: GatedOperation, door: ClientResource, token: string, traceparent: string): Promise<Outcome> {
    try {
      const answer: HttpAnswer = await this.face.gated(operation, door.subscriptionKey, token, { traceparent });
      return { status: answer.statusCode, text: answer.body };
    } catch (error) {
      if (error instanceof LostAnswer) return { lost: error.message };
      throw error;
    }
  }

  private async admin(method: string, path: string, expected: number, body?: unknown): Promise<string> {
    const outcome = await send(`${this.fleet.issuer.url}/admin/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${this.fleet.issuerOperatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if ('lost' in outcome || outcome.status !== expected)
      throw new Error(
        `${method} /admin/v1${path} answered ${'lost' in outcome ? outcome.lost : `${outcome.status}: ${outcome.text}`}, not ${expected}`,
      );
    return outcome.text;
  }
}

/** A request to the face-api that got no answer (thrown through FaceApiClient's transport, caught in `gated`). */
class LostAnswer extends Error {}
