import { z } from 'zod';
import type { RbacSubject } from './rbac-subject';

/** What the guard asks the rbac service. */
export interface DecisionQuery {
  readonly subject: RbacSubject;
  /** `resource:action`. */
  readonly permission: string;
  /** The token's Entra tenant (`tid`): assignments may be per tenant. */
  readonly tenantId?: string;
  readonly resource?: string;
}

/** The rbac service's answer. */
export interface Decision {
  readonly decision: 'allow' | 'deny';
  /** Why, as the rbac service says it (a role, `no assignment`, …); for logs and the denial message, never trusted. */
  readonly reason: string;
}

/** Provider token of the {@link DecisionSource} the guard asks. */
export const DECISION_SOURCE = Symbol('latchkey:rbacDecisionSource');

/** Where decisions come from; rejects (any error) when none can be had now. */
export interface DecisionSource {
  decide(query: DecisionQuery): Promise<Decision>;
}

/** The decision API's body; anything else is no decision (fail closed). */
const DecisionBody = z.object({ decision: z.enum(['allow', 'deny']), reason: z.string().max(512).catch('') });

/** Why no decision came back; the guard answers 503. */
export class DecisionUnavailableError extends Error {
  override readonly name = 'DecisionUnavailableError';
}

/**
 * The rbac service's decision API over HTTP: `POST <url>` with
 * `Authorization: Bearer <key>`, a bounded wait, and only a 200 with a
 * well-formed body counts. No key configured means no decision at all.
 */
export class HttpDecisionClient implements DecisionSource {
  constructor(private readonly options: { readonly url: string; readonly key: string | undefined; readonly timeoutMs: number }) {}

  async decide(query: DecisionQuery): Promise<Decision> {
    if (this.options.key === undefined)
      throw new DecisionUnavailableError('no key for the decision API is configured (this service’s LATCHKEY_<SERVICE>_RBAC_KEY)');
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` },
        body: JSON.stringify(query),
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new DecisionUnavailableError(`the decision API is unreachable: ${(cause as Error).message}`, { cause });
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new DecisionUnavailableError(`the decision API answered ${response.status}`);
    }
    const parsed = DecisionBody.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DecisionUnavailableError('the decision API answered an unexpected body');
    return parsed.data;
  }
}
