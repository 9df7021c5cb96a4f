/**
 * Proves the architecture's import rules still bite: lints deliberately bad
 * imports placed (virtually) in real projects and fails unless each is
 * reported by the expected rule, and lints one allowed import that must
 * pass. Also pins the tag matrix so it cannot quietly become `* → *`.
 *
 *   npx tsx tools/scripts/check-boundaries.ts
 */
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

interface Probe {
  readonly name: string;
  readonly file: string;
  readonly code: string;
  /** The rule that must report, or null when the import must be accepted. */
  readonly rule: string | null;
}

const BOUNDARIES = '@nx/enforce-module-boundaries';
const PROBES: readonly Probe[] = [
  {
    name: 'a service lib importing another service lib',
    file: 'libs/issuer/feature/src/boundary-probe.ts',
    code: "import { ExchangeModule } from '@latchkey/exchange/feature';\nexport const probe = ExchangeModule;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'an app importing another app',
    file: 'apps/issuer/src/boundary-probe.ts',
    code: "import '../../face-api/src/main';\nexport const probe = 1;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'data-access importing its own feature lib (wrong direction)',
    file: 'libs/issuer/data-access/src/boundary-probe.ts',
    code: "import { IssuerModule } from '@latchkey/issuer/feature';\nexport const probe = IssuerModule;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'contracts depending on a platform lib',
    file: 'libs/contracts/src/boundary-probe.ts',
    code: "import { EventBus } from '@latchkey/messaging';\nexport const probe = EventBus;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'kafkajs outside libs/messaging',
    file: 'libs/issuer/feature/src/boundary-probe.ts',
    code: "import { Kafka } from 'kafkajs';\nexport const probe = Kafka;\n",
    rule: 'no-restricted-imports',
  },
  {
    name: 'process.env outside libs/config',
    file: 'libs/issuer/feature/src/boundary-probe.ts',
    code: "export const probe = process.env['X'];\n",
    rule: 'no-restricted-syntax',
  },
  {
    name: 'an app importing a data-access lib (its feature lib is the way in)',
    file: 'apps/issuer/src/boundary-probe.ts',
    code: "import { IsvRepository } from '@latchkey/issuer/data-access';\nexport const probe = IsvRepository;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'the operator CLI reading the audit store through its data-access lib (allowed)',
    file: 'tools/cli/commands/boundary-probe.ts',
    code: "import { readEvidenceFromDatabase } from '@latchkey/audit/data-access';\nexport const probe = readEvidenceFromDatabase;\n",
    rule: null,
  },
  {
    name: 'the operator CLI importing an app',
    file: 'tools/cli/commands/boundary-probe.ts',
    code: "import '../../../apps/audit/src/main';\nexport const probe = 1;\n",
    rule: BOUNDARIES,
  },
  {
    name: 'a feature lib importing its own data-access lib (allowed)',
    file: 'libs/issuer/feature/src/boundary-probe.ts',
    code: "import { IsvRepository } from '@latchkey/issuer/data-access';\nexport const probe = IsvRepository;\n",
    rule: null,
  },
];

interface Constraint {
  sourceTag: string;
  onlyDependOnLibsWithTags: string[];
}

async function checkMatrixPinned(): Promise<string[]> {
  // @ts-expect-error -- plain ESM config without type declarations
  const config = (await import('../../eslint.config.mjs')) as { depConstraints: Constraint[] };
  const problems: string[] = [];
  for (const c of config.depConstraints) {
    if (c.sourceTag === '*' || c.onlyDependOnLibsWithTags.includes('*')) {
      problems.push(`depConstraint ${c.sourceTag} → ${c.onlyDependOnLibsWithTags.join(',')} uses a wildcard`);
    }
  }
  for (const tag of [
    'type:app',
    'type:tool',
    'type:feature',
    'type:data-access',
    'type:platform',
    'type:contracts',
    'scope:issuer',
    'scope:shared',
  ]) {
    if (!config.depConstraints.some((c) => c.sourceTag === tag)) problems.push(`no depConstraint for ${tag}`);
  }
  return problems;
}

async function main(): Promise<void> {
  // The Nx rule silently skips itself without a cached project graph; build
  // it first so a skipped rule can never pass for an enforced one.
  await createProjectGraphAsync({ exitOnError: true });
  const eslint = new ESLint();
  const failures = await checkMatrixPinned();
  for (const probe of PROBES) {
    const [result] = await eslint.lintText(probe.code, { filePath: probe.file });
    const rules = result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'parse-error');
    const ok = probe.rule === null ? rules.length === 0 : rules.includes(probe.rule);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${probe.name}: ${rules.length ? rules.join(', ') : 'no errors'}`);
    if (!ok) failures.push(`${probe.name}: expected ${probe.rule ?? 'no error'}, got ${rules.join(', ') || 'no errors'}`);
  }
  if (failures.length > 0) {
    console.error(`\nboundary check failed:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
  console.log(`boundary check: ${PROBES.length} probes behaved as the architecture requires`);
}

void main();
