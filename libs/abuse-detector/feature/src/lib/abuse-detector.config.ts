import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice, envInteger } from '@latchkey/config';

/** The abuse detector's own settings: the operator key of its admin API and how long it remembers issued tokens. */
export const abuseDetectorConfig = defineConfigSlice('abuse-detector', {
  LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: envOperatorKey().describe(
    'The operator’s bearer key for the abuse detector’s admin API (`Authorization: Bearer <key>` on every /admin/v1 route: alerts, reinstatements, cases, ISV webhooks, the console), at least 32 characters: the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”), for bootstrap and for an outage of the exchange. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the admin API.',
  ),
  LATCHKEY_ABUSE_DETECTOR_ISSUED_TOKEN_GRACE_MS: envInteger({ min: 0, max: 30 * 86_400_000 })
    .default(86_400_000)
    .describe(
      'How long after a token’s expiry the detector still remembers which ISV and client it was issued for (so late uses of an expired token are still traced to their client); then the row is pruned.',
    ),
  LATCHKEY_ABUSE_DETECTOR_PRUNE_INTERVAL_MS: envInteger({ min: 1000, max: 86_400_000 })
    .default(3_600_000)
    .describe('How often expired issued tokens are pruned.'),
  LATCHKEY_ABUSE_REWIND_MAX_MS: envInteger({ min: 0, max: 7 * 86_400_000 })
    .default(3_600_000)
    .describe(
      'The most history the detection consumer re-reads when it starts or is given partitions, to rebuild the rules’ in-memory windows: it re-reads the rules’ replay horizon (24 h with the default rules) capped by this. Below the horizon, the rules needing more (the new-resources part of isv-issuance) start partly blind after a restart; 0 disables the rewind (see docs/ABUSE.md, State across restarts).',
    ),
});
