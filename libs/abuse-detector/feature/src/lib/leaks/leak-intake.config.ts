import { defineConfigSlice, envInteger, envString, envUrl } from '@latchkey/config';
import { parseReporterKeys } from './reporter-keys';

function isKeyDocument(json: string): boolean {
  try {
    parseReporterKeys(json);
    return true;
  } catch {
    return false;
  }
}

/**
 * The leaked-token intake's settings (docs/ABUSE.md "Leaked-token intake"):
 * whose reports it trusts (the reporter's public keys, inline or at a URL).
 * Whose tokens it recognises (the issuer and its JWKS) is abuseIssuerConfig.
 */
export const leakIntakeConfig = defineConfigSlice('abuse-leak-intake', {
  LATCHKEY_ABUSE_LEAK_REPORTER_KEYS: envString()
    .refine(isKeyDocument, 'must be a JSON document { "public_keys": [{ "key_identifier", "key" (PEM, ECDSA P-256) }] }')
    .optional()
    .describe(
      'The leak reporter’s public keys, inline: the JSON document GitHub publishes at https://api.github.com/meta/public_keys/secret_scanning (`{"public_keys": [{"key_identifier", "key" (PEM, ECDSA P-256), "is_current"}]}`). Set this or LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_URL, not both; with neither, POST /abuse/v1/leaked-tokens refuses every report 401 (LeakIntakeDisabled).',
    ),
  LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_URL: envUrl(['http:', 'https:'])
    .optional()
    .describe(
      'Where to fetch the leak reporter’s public key document (e.g. https://api.github.com/meta/public_keys/secret_scanning): fetched on first report, cached for an hour, and fetched again for a report naming an unknown key at most once per LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_COOLDOWN_MS.',
    ),
  LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_COOLDOWN_MS: envInteger({ min: 1000, max: 3_600_000 })
    .default(60_000)
    .describe('Least time between two fetches of the reporter key document caused by unknown key identifiers or failed fetches.'),
});
