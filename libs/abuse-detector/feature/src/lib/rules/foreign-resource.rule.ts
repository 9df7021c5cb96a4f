import { canonicalResourceId, LatIssuedV1, LatRejectedV1, type EventEnvelope } from '@latchkey/contracts';
import type { Finding, Rule, RuleContext } from './rule';
import { dataOf, eventTimeMs, findingAt } from './rule-support';

/**
 * A token presented with another resource's key (`LAT.WRONG_RESOURCE`): it
 * was stolen or shared, so one refusal is enough. Stateless: nothing to
 * window, nothing to bound.
 *
 * The refusal names the resource the token was presented to; the token's
 * own client comes from our issuance record. When we never issued the
 * `jti` (as far as the detector knows) the alert names only the presenting
 * resource: the token's `isvId` claim is not trusted, so a forged claim
 * can never frame an ISV or get its client revoked.
 *
 * `lat.issued` and `lat.rejected` travel on different topics, so a token
 * misused right after its issuance is often read before its `lat.issued`.
 * Such a refusal is remembered (bounded, for `pendingMs` of event time) and
 * the critical finding about the token's own client is raised when its
 * `lat.issued` arrives, from our issuance record as always: a replay of the
 * stream still yields the same findings.
 */
export class ForeignResourceRule implements Rule {
  static readonly ID = 'foreign-resource';
  readonly id = ForeignResourceRule.ID;
  readonly types = [LatRejectedV1.type, LatIssuedV1.type];
  /** Wrong-resource refusals of tokens not seen issued yet, by `jti`, oldest first (Map order). */
  private readonly pending = new Map<string, PendingRefusal>();

  constructor(
    /** How long, in event time, a refusal waits for its token's issuance to be read. */
    readonly pendingMs = 10 * 60_000,
    private readonly maxPending = 100_000,
  ) {}

  /** A replay must go back as far as a refusal may wait for its issuance. */
  get replayHorizonMs(): number {
    return this.pendingMs;
  }

  consider(event: EventEnvelope, context: RuleContext): readonly Finding[] {
    const issuance = dataOf(LatIssuedV1, event);
    if (issuance !== undefined) {
      return this.issuedAfterRefusal(event, issuance);
    }
    const data = dataOf(LatRejectedV1, event);
    if (data?.reason !== 'LAT.WRONG_RESOURCE') {
      return [];
    }
    const presentedTo = data.resourceId === null ? null : canonicalResourceId(data.resourceId);
    const issued = data.jti === null ? undefined : context.issuedToken(data.jti);
    if (issued !== undefined) {
      const owner = canonicalResourceId(issued.resourceId);
      return [
        findingAt(event, {
          ruleId: this.id,
          severity: 'critical',
          subject: { kind: 'resource', id: owner },
          isvId: issued.isvId,
          resourceId: owner,
          evidenceEventIds: [event.id],
          explanation:
            `Token ${data.jti} issued by ISV ${issued.isvId} for resource ${owner} was presented ` +
            `to resource ${presentedTo ?? '(unknown key)'} from ${data.clientIp} on ${data.operation}: ` +
            `the token was stolen or shared (1 refusal, threshold 1).`,
        }),
      ];
    }
    if (data.jti !== null)
      this.remember(data.jti, { eventId: event.id, timeMs: eventTimeMs(event), presentedTo, clientIp: data.clientIp, operation: data.operation });
    if (presentedTo === null) {
      // Nothing to name: neither a known token nor a known key. The refusal stays in audit.
      return [];
    }
    return [
      findingAt(event, {
        ruleId: this.id,
        severity: 'high',
        subject: { kind: 'resource', id: presentedTo },
        isvId: null,
        resourceId: presentedTo,
        evidenceEventIds: [event.id],
        explanation:
          `A token for another resource, jti ${data.jti ?? '(none)'} that the detector never saw issued, ` +
          `was presented to resource ${presentedTo} from ${data.clientIp} on ${data.operation}; ` +
          `its ISV claim is not trusted (1 refusal, threshold 1).`,
      }),
    ];
  }

  /** The critical finding a remembered refusal deserved, now that the issuance of its token is read. */
  private issuedAfterRefusal(event: EventEnvelope, issuance: { jti: string; isvId: string; resourceId: string }): readonly Finding[] {
    const refusal = this.pending.get(issuance.jti);
    if (refusal === undefined) {
      return [];
    }
    this.pending.delete(issuance.jti);
    const owner = canonicalResourceId(issuance.resourceId);
    return [
      {
        ...findingAt(event, {
          ruleId: this.id,
          severity: 'critical',
          subject: { kind: 'resource', id: owner },
          isvId: issuance.isvId,
          resourceId: owner,
          evidenceEventIds: [refusal.eventId, event.id],
          explanation:
            `Token ${issuance.jti} issued by ISV ${issuance.isvId} for resource ${owner} was presented ` +
            `to resource ${refusal.presentedTo ?? '(unknown key)'} from ${refusal.clientIp} on ${refusal.operation} ` +
            `(the refusal was read before the issuance): the token was stolen or shared (1 refusal, threshold 1).`,
        }),
        observedAt: new Date(refusal.timeMs),
      },
    ];
  }

  /** Remembers a refusal of a token not seen issued; forgets those older than `pendingMs` and, past the bound, the oldest. */
  private remember(jti: string, refusal: PendingRefusal): void {
    if (!this.pending.has(jti)) this.pending.set(jti, refusal);
    for (const [key, old] of this.pending) {
      if (old.timeMs >= refusal.timeMs - this.pendingMs && this.pending.size <= this.maxPending) break;
      this.pending.delete(key);
    }
  }
}

/** A wrong-resource refusal waiting for its token's `lat.issued`. */
interface PendingRefusal {
  readonly eventId: string;
  readonly timeMs: number;
  readonly presentedTo: string | null;
  readonly clientIp: string;
  readonly operation: string;
}
