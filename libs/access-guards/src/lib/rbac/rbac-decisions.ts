import type { Counter } from '@opentelemetry/api';
import type { RbacGuardErrorCode } from '@latchkey/contracts';
import { catalogueCounter } from '@latchkey/telemetry';

/** Where the permission decision came from: this instance's cache, the decision API (or the rbac service's own engine), or none was needed. */
export type RbacDecisionSource = 'cache' | 'api' | 'none';

/**
 * The `reason` label of `latchkey.rbac.decisions`: `granted` on an allow,
 * else one per refusal of the guard. A fixed set (docs/RBAC.md "Metrics"):
 * the guard's error codes map onto it here, and a new code without a row
 * does not compile.
 */
export const RBAC_DENY_REASONS = {
  'RBAC.TOKEN_MISSING': 'missing-token',
  'RBAC.TOKEN_INVALID': 'invalid-token',
  'RBAC.TOKEN_EXPIRED': 'expired-token',
  'RBAC.TOKEN_REVOKED': 'revoked',
  'RBAC.SCOPE_MISSING': 'missing-scope',
  'RBAC.PERMISSION_DENIED': 'missing-permission',
  'RBAC.DECISION_UNAVAILABLE': 'decision-unavailable',
  'RBAC.KEYS_UNAVAILABLE': 'keys-unavailable',
} as const satisfies Record<RbacGuardErrorCode, string>;

export type RbacDecisionReason = 'granted' | (typeof RBAC_DENY_REASONS)[RbacGuardErrorCode];

/**
 * Counts what RbacGuard decided, once per guarded request, in
 * `latchkey.rbac.decisions` {decision: allow | deny, reason, source}. The
 * labels are the fixed sets above: never the caller, the endpoint or the
 * permission.
 */
export class RbacDecisionCounter {
  private readonly decisions: Counter = catalogueCounter('rbacDecisions');

  allowed(source: RbacDecisionSource): void {
    this.decisions.add(1, { decision: 'allow', reason: 'granted' satisfies RbacDecisionReason, source });
  }

  denied(code: RbacGuardErrorCode, source: RbacDecisionSource): void {
    this.decisions.add(1, { decision: 'deny', reason: RBAC_DENY_REASONS[code], source });
  }
}
