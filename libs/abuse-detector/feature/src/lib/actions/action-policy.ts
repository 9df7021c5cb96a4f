import type { ConfigOf } from '@latchkey/config';
import type { abuseActionsConfig } from './abuse-actions.config';

const DAY_MS = 86_400_000;

/** Longest reason code the contract accepts (`reasonCode()`: 64 characters). */
const REASON_MAX = 64;

/** The reason of an ISV revocation caused by repeated client revocations. */
export const REPEATED_ABUSE_REASON = 'ABUSE.REPEATED';

/** What the policy does about an alert of a given severity. */
export type AlertAction = 'notify' | 'revoke-client';

/** The part of an alert the policy decides on. */
export interface AlertForPolicy {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly isvId: string | null;
  readonly resourceId: string | null;
}

/** A revocation the policy asks for; the caller writes it once per alert and subject. */
export interface PlannedRevocation {
  readonly subject:
    | { readonly kind: 'isv'; readonly isvId: string }
    | { readonly kind: 'isv-client'; readonly isvId: string; readonly resourceId: string };
  readonly reason: string;
  readonly actor: string;
  readonly alertId: string;
}

/** The policy's settings: the `abuseActionsConfig` slice. */
export type ActionSettings = ConfigOf<typeof abuseActionsConfig>;

/**
 * `ABUSE.<RULE>` from a rule id (`foreign-resource` → `ABUSE.FOREIGN_RESOURCE`),
 * shaped as `reasonCode()` demands: upper case, `[A-Z0-9_]`, starting with a
 * letter, at most 64 characters in all.
 */
export function abuseReason(ruleId: string): string {
  let code = ruleId
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[A-Z]/.test(code)) code = `RULE_${code}`.replace(/_+$/, '');
  return `ABUSE.${code}`.slice(0, REASON_MAX).replace(/_+$/, '');
}

/**
 * Maps an alert to what is done about it (the abuse-detector issue's
 * policy): low and medium alerts notify only; high ones notify, or revoke
 * the ISV's client when configured; critical ones revoke the client. A
 * finding that names no ISV and client resource never revokes anything: it
 * cannot say whose tokens to refuse. After enough client revocations of one
 * ISV within the window, the ISV itself is revoked. Pure: the caller
 * counts, writes and enforces once-per-alert.
 */
export class ActionPolicy {
  constructor(private readonly settings: ActionSettings) {}

  actionFor(severity: AlertForPolicy['severity']): AlertAction {
    if (!this.settings.LATCHKEY_ABUSE_AUTOMATIC_REVOCATION) return 'notify';
    switch (severity) {
      case 'low':
      case 'medium':
        return 'notify';
      case 'high':
        return this.settings.LATCHKEY_ABUSE_REVOKE_ON_HIGH ? 'revoke-client' : 'notify';
      case 'critical':
        return 'revoke-client';
    }
  }

  /** The client revocation the alert calls for, if any. */
  clientRevocation(alert: AlertForPolicy): PlannedRevocation | undefined {
    if (this.actionFor(alert.severity) !== 'revoke-client') return undefined;
    if (alert.isvId === null || alert.resourceId === null) return undefined;
    return {
      subject: { kind: 'isv-client', isvId: alert.isvId, resourceId: alert.resourceId },
      reason: abuseReason(alert.ruleId),
      actor: actorOf(alert.ruleId),
      alertId: alert.id,
    };
  }

  /** Where the escalation window starts when deciding at `now`. */
  escalationWindowStart(now: Date): Date {
    return new Date(now.getTime() - this.settings.LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS * DAY_MS);
  }

  /**
   * The ISV revocation due once the ISV has `clientRevocations` client
   * revocations in the window (the one just made included), if any.
   */
  isvRevocation(alert: AlertForPolicy, clientRevocations: number): PlannedRevocation | undefined {
    const threshold = this.settings.LATCHKEY_ABUSE_ESCALATION_REVOCATIONS;
    if (!this.settings.LATCHKEY_ABUSE_AUTOMATIC_REVOCATION || threshold === 0 || alert.isvId === null) return undefined;
    if (clientRevocations < threshold) return undefined;
    return { subject: { kind: 'isv', isvId: alert.isvId }, reason: REPEATED_ABUSE_REASON, actor: actorOf(alert.ruleId), alertId: alert.id };
  }
}

/** `rule:<ruleId>`: who revoked, as `access.revocation` names an automatic actor. */
function actorOf(ruleId: string): string {
  return `rule:${ruleId}`.slice(0, 256);
}
