import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';

/** The audit service's own settings: who signs its checkpoints, with which key, and how often. */
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
});
