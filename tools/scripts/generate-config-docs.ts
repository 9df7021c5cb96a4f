/**
 * Writes docs/CONFIG.md from the config slices' zod schemas, or with
 * `--check` fails when the committed file is stale (run by `npm test`).
 *
 *   npx tsx tools/scripts/generate-config-docs.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, platformConfig, renderConfigDocs, servicePortConfig, type ConfigSlice } from '@latchkey/config';
import { limitedAccessConfig, rbacGuardConfig } from '@latchkey/access-guards';
import {
  abuseActionsConfig,
  abuseCasesConfig,
  abuseDetectorConfig,
  abuseIssuerConfig,
  abuseRulesConfig,
  leakIntakeConfig,
} from '@latchkey/abuse-detector/feature';
import { auditConfig } from '@latchkey/audit/feature';
import { entraConfig, exchangeAdminConfig, exchangeTokensConfig, gatewayConfig } from '@latchkey/exchange/feature';
import { faceApiConfig } from '@latchkey/face-api/feature';
import { loadSheddingConfig } from '@latchkey/http';
import { issuerConfig } from '@latchkey/issuer/feature';
import { rbacConfig } from '@latchkey/rbac/feature';
import { spoolConfig } from '@latchkey/messaging';
import { devIdentityProviderConfig } from '../../apps/standalone/src/dev-identity-provider.config';

const TARGET = join(__dirname, '..', '..', 'docs', 'CONFIG.md');

/** Every slice a process of the platform reads. Add a service's slice here when it gets one. */
const SLICES: readonly ConfigSlice[] = [
  platformConfig,
  ...Object.keys(DEFAULT_PORTS).map((service) => servicePortConfig(service)),
  issuerConfig,
  faceApiConfig,
  loadSheddingConfig,
  limitedAccessConfig,
  rbacGuardConfig,
  spoolConfig,
  auditConfig,
  abuseRulesConfig,
  abuseActionsConfig,
  abuseCasesConfig,
  abuseDetectorConfig,
  leakIntakeConfig,
  abuseIssuerConfig,
  exchangeTokensConfig,
  exchangeAdminConfig,
  gatewayConfig,
  entraConfig,
  rbacConfig,
  devIdentityProviderConfig,
];

const HEADER = `# Configuration

Generated from the config slices' zod schemas by \`npx tsx tools/scripts/generate-config-docs.ts\`;
\`npm test\` fails when this file is stale. Every variable is validated once at start, and a bad
value stops the process with a message naming each bad variable.

`;

const rendered = HEADER + renderConfigDocs(SLICES);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== rendered) {
    console.error('docs/CONFIG.md is stale: run `npx tsx tools/scripts/generate-config-docs.ts` and commit it.');
    process.exit(1);
  }
  console.log('docs/CONFIG.md is current');
} else {
  writeFileSync(TARGET, rendered);
  console.log(`wrote ${TARGET}`);
}
