import { defineConfigSlice, envBoolean, envInteger } from '@latchkey/config';

/** Cases and ISV webhooks (docs/ABUSE.md "Cases"). */
export const abuseCasesConfig = defineConfigSlice('abuse-cases', {
  LATCHKEY_ABUSE_CASE_DEADLINE_MS: envInteger({ min: 1000, max: 30 * 86_400_000 })
    .default(86_400_000)
    .describe(
      'How long an ISV has to answer an open case (acknowledge it or block its client) before it escalates, in milliseconds. Default one day.',
    ),
  LATCHKEY_ABUSE_CASE_ESCALATION_REVOKES_ISV: envBoolean()
    .default(true)
    .describe(
      'Whether an escalated case revokes the ISV (reason ABUSE.CASE_UNANSWERED), when LATCHKEY_ABUSE_AUTOMATIC_REVOCATION is also true. false: the case is marked escalated and the ISV notified, nothing revoked.',
    ),
  LATCHKEY_ABUSE_CASE_SWEEP_INTERVAL_MS: envInteger({ min: 100, max: 3_600_000 })
    .default(10_000)
    .describe('How often overdue cases are looked for, in milliseconds: a case escalates at most this long after its deadline.'),
  LATCHKEY_ABUSE_WEBHOOK_POLL_INTERVAL_MS: envInteger({ min: 50, max: 60_000 })
    .default(1000)
    .describe('How often due webhook deliveries are looked for, in milliseconds.'),
  LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS: envInteger({ min: 100, max: 60_000 })
    .default(5000)
    .describe('How long one webhook delivery attempt may take before it counts as failed, in milliseconds.'),
  LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: envBoolean()
    .default(false)
    .describe(
      'Whether ISV webhooks may go to this machine or a non-public network: loopback (127.0.0.0/8, ::1, localhost), private (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), link-local (169.254/16, which holds cloud metadata services, and fe80::/10) and other special-purpose addresses, and plain http to such a host. false (the default, and the only safe value in production): a webhook URL naming such a host is refused when set (400), and a delivery whose host resolves to any such address is not sent (failed at once, "destination not allowed"), so an operator allowed to set webhooks cannot make the detector call internal services. true: for development and tests with a webhook listener on this machine (npm start sets it).',
    ),
  LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS: envInteger({ min: 1, max: 100 })
    .default(33)
    .describe(
      'Attempts per webhook delivery before it is marked failed (the case goes on; operators see the failure). Retries back off exponentially from 5 s, capped at one hour, so the default spans about 23 hours (5 115 s for the first ten waits, then an hour each).',
    ),
});
