const nxPreset = require('@nx/jest/preset').default;

// Unit tests: transpile only (tsconfig.spec.json sets isolatedModules);
// `npm run typecheck` checks the types once for the whole workspace.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Several unit suites open an embedded PGlite database; its first initdb
  // takes 3–7 s on a busy 2-core machine, more than jest's 5 s default.
  testTimeout: 30000,
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Defaults for the services the tests start (load shedding's utilisation signal off: test-service-env.ts says why).
  setupFiles: [require.resolve('./libs/testing/src/lib/infra/apply-test-service-env.ts')],
};
