import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';

/** The audit service's own settings: who signs its checkpoints, with which key, and how often; whose tokens open the ISV feed. */
export const auditConfig = defineConfigSlice('audit', {
  LATCHKEY_AUDIT_URL: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3005')
    .describe('The `iss` of every checkpoint this audit service signs; its public keys are at `<url>/.well-known/jwks.json`.'),
  LATCHKEY_AUDIT_SIGNING_KEY: envString()
    .optional()
    .describe(
      'The private JWK (JSON; Ed25519 or P-256) signing the audit checkpoints. Required with DATABASE_URL (every replica must sign with the same key, and it must be backed up); generated under LATCHKEY_DATA_DIR when embedded.',
    ),
  LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS: envInteger({ min: 1000, max: 3_600_000 })
    .default(10_000)
    .describe('A signed checkpoint at least this often, even when no event arrived (it proves the tail was not cut since).'),
  LATCHKEY_AUDIT_CHECKPOINT_EVERY: envInteger({ min: 1, max: 10_000_000 })
    .default(1000)
    .describe('A signed checkpoint after this many stored events, whichever comes first with the interval.'),
  LATCHKEY_AUDIT_RETENTION_DAYS: envInteger({ min: 0, max: 36_500 })
    .default(0)
    .describe(
      'Events stored longer ago than this many days are pruned from the start of the chain, always up to a signed checkpoint whose head row stays, so the rest still verifies; dead-letter records go after the same time. 0 keeps everything.',
    ),
  LATCHKEY_AUDIT_PRUNE_INTERVAL_MS: envInteger({ min: 1000, max: 86_400_000 })
    .default(3_600_000)
    .describe('How often the retention prune runs (when LATCHKEY_AUDIT_RETENTION_DAYS is set).'),
  LATCHKEY_AUDIT_OPERATOR_KEY: envOperatorKey().describe(
    'The operator’s bearer key for the audit query API (`Authorization: Bearer <key>` on /admin/v1/audit), at least 32 characters: the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”), for bootstrap and for an outage of the exchange. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the query API.',
  ),
  LATCHKEY_AUDIT_FEED_ISSUER: envUrl(['http:', 'https:'])
    .default('http://127.0.0.1:3001')
    .describe('The `iss` the ISV transparency feed accepts in audit feed tokens: the issuer’s LATCHKEY_ISSUER_URL.'),
  LATCHKEY_AUDIT_FEED_JWKS_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe(
      'Where that issuer publishes its signing keys, which verify audit feed tokens. Default: LATCHKEY_AUDIT_FEED_ISSUER + `/.well-known/jwks.json`.',
    ),
});
