import { TEST_SERVICE_ENV } from './test-service-env';

// Jest setupFiles entry (jest.preset.js): runs in every test file's process before its tests. A value already in
// the environment wins, so a developer can still run a suite with a signal on.
for (const [name, value] of Object.entries(TEST_SERVICE_ENV)) process.env[name] ??= value;
