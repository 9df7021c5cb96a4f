import nx from '@nx/eslint-plugin';

/**
 * The dependency matrix of docs/ARCHITECTURE (STYLE.md "Boundaries"):
 * app → feature → data-access → domain → contracts, platform libs beside
 * them, and no service reaching into another service's libs.
 * tools/scripts/check-boundaries.ts proves on every `npm test` that a bad
 * import still fails, so this cannot quietly become `* → *`.
 */
const SERVICES = ['issuer', 'face-api', 'exchange', 'rbac', 'audit', 'abuse-detector', 'testapi'];

export const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:platform', 'type:contracts', 'type:domain', 'type:testing'] },
  // Operator tools (tools/cli) boot no service: they call the services' APIs, and a few commands read a store
  // themselves (`audit verify --database` re-walks the audit chain in one snapshot), so data-access is theirs too.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:platform', 'type:contracts', 'type:domain'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:contracts', 'type:platform'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:platform', 'type:contracts'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:domain', 'type:platform', 'type:contracts'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:testing'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  ...SERVICES.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
  { sourceTag: 'scope:standalone', onlyDependOnLibsWithTags: ['scope:shared', ...SERVICES.map((s) => `scope:${s}`)] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
];

/**
 * Test files may also use the integration harness (real Kafka, PostgreSQL),
 * and an app's integration tests may read the service's store through its
 * data-access lib to assert on what was persisted; production code may not.
 */
const testDepConstraints = depConstraints.map((c) => {
  // The sample API's full-chain test drives the exchange with its real OIDC provider (libs/exchange/testing): its tests
  // may use another service's testing lib, never that service's feature or data-access libs.
  if (c.sourceTag === 'scope:testapi') return { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] };
  if (!c.sourceTag.startsWith('type:') || c.sourceTag === 'type:contracts') return c;
  const extra = c.sourceTag === 'type:app' ? ['type:testing', 'type:data-access'] : ['type:testing'];
  return { ...c, onlyDependOnLibsWithTags: [...new Set([...c.onlyDependOnLibsWithTags, ...extra])] };
});

const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: false,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: constraints,
  },
];

/** Third-party libraries confined to the lib that owns them (one client to swap). */
const confined = [
  { name: 'kafkajs', owner: 'libs/messaging' },
  { name: '@nestjs/microservices', owner: 'libs/messaging' },
  { name: 'jose', owner: 'libs/tokens' },
  { name: 'drizzle-orm', owner: 'libs/persistence or a */data-access lib' },
  { name: '@electric-sql/pglite', owner: 'libs/persistence' },
  { name: 'pg', owner: 'libs/persistence' },
  { name: '@opentelemetry/sdk-node', owner: 'libs/telemetry' },
  { name: 'casbin', owner: 'libs/rbac/feature (policy/)' },
];
const restrictedImports = (allowed) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: confined
        .filter((c) => !allowed.includes(c.name))
        .map((c) => ({ group: [c.name, `${c.name}/*`], message: `${c.name} belongs to ${c.owner}.` })),
    },
  ],
});

/**
 * Opt-ins for a lib's own eslint.config.mjs. Flat-config `files` globs are
 * relative to the config file in use, and `nx lint` runs each lib with its
 * own config, so owner exceptions written here with root-relative paths
 * would never match: each owner grants itself what it owns, visibly.
 */
export function owns(...packages) {
  return [{ files: ['**/*.ts'], rules: restrictedImports(packages) }];
}

/** For libs/config (and test infrastructure): the one place allowed to read process.env. */
export const readsEnvironment = [
  {
    files: ['**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='forwardRef']", message: 'forwardRef hides a dependency cycle; break the cycle instead.' },
      ],
    },
  },
];

/**
 * STYLE.md rule of thumb 4, tools/eslint-rules/rules/require-route-guard.ts:
 * every controller route declares its access (@RequireScope,
 * @RequirePermission or @Public); every route of an `@AdminApi` controller
 * names its permission with `@AdminPermission` on the method (the rule
 * checks admin APIs itself: neither name may be listed here). Until each
 * service moves to the RBAC guard, the guards routes use today count too
 * (matched by name, on the method or its controller):
 * - `ServiceRoutes`: the rbac service's decision API and endpoint registry,
 *   behind its operator key for now; their RBAC migration removes it from
 *   this list;
 * - `RequiresFeature`: limited access tokens;
 * - `ClientResourceApi`: the face-api's vendor surface (subscription key);
 * - `UseGuards`: ISV tokens and other explicit guards.
 */
const routeGuard = ['error', { alsoAccept: ['ServiceRoutes', 'RequiresFeature', 'ClientResourceApi', 'UseGuards'] }];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '.data/**', '.cache/**'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @latchkey/config, not process.env.',
        },
        {
          selector: "CallExpression[callee.name='forwardRef']",
          message: 'forwardRef hides a dependency cycle; break the cycle instead.',
        },
      ],
      ...restrictedImports([]),
      '@nx/workspace-require-route-guard': routeGuard,
    },
  },
  {
    // Tests may also read the environment (to start processes, find infrastructure).
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts'],
    // Test probes are not endpoints of the platform: their controllers need not declare access.
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testDepConstraints),
      'no-restricted-syntax': 'off',
      '@nx/workspace-require-route-guard': 'off',
    },
  },
  // Tools and test infrastructure locate things before any app config exists.
  { files: ['tools/**/*.ts', '**/*.cts', '**/jest.*.js'], rules: { 'no-restricted-syntax': 'off' } },
];
