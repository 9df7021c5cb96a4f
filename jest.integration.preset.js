const base = require('./jest.preset.js');

// Integration tests talk to a real Kafka broker and a real PostgreSQL: one
// file at a time, generous deadlines, and a global setup that finds (or
// starts) the infrastructure and skips loudly when it cannot.
module.exports = {
  ...base,
  testMatch: ['**/?(*.)integration-spec.ts'],
  testTimeout: 120000,
  maxWorkers: 1,
  globalSetup: require.resolve('./libs/testing/src/lib/infra/global-setup.ts'),
  globalTeardown: require.resolve('./libs/testing/src/lib/infra/global-teardown.ts'),
};
