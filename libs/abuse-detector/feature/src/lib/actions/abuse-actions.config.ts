import { defineConfigSlice, envBoolean, envInteger } from '@latchkey/config';

/** What the abuse detector does about an alert: the action policy's settings (docs/ABUSE.md "Actions and escalation"). */
export const abuseActionsConfig = defineConfigSlice('abuse-actions', {
  LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: envBoolean()
    .default(true)
    .describe(
      'Whether alerts revoke automatically (a critical alert revokes the ISV’s client; repeated client revocations revoke the ISV). false: every alert only notifies (`abuse.alert`), e.g. while new rules are being tuned.',
    ),
  LATCHKEY_ABUSE_REVOKE_ON_HIGH: envBoolean()
    .default(false)
    .describe('Whether a high-severity alert also revokes the ISV’s client (by default only critical alerts do; high ones notify).'),
  LATCHKEY_ABUSE_ESCALATION_REVOCATIONS: envInteger({ min: 0, max: 1000 })
    .default(3)
    .describe(
      'After this many automatic client revocations of one ISV within LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS, the ISV itself is revoked (reason ABUSE.REPEATED). The count restarts after the ISV is revoked or reinstated. 0 never escalates.',
    ),
  LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS: envInteger({ min: 1, max: 365 })
    .default(7)
    .describe('The window, in days, over which client revocations of one ISV are counted for the escalation.'),
});
