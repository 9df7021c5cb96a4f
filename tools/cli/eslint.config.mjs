import baseConfig, { owns, readsEnvironment } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The tests mint tokens no service would (expired, stranger keys, alg none) to check `token verify`'s refusals;
  // the CLI itself verifies through @latchkey/tokens (inspectPlatformJwt).
  ...owns('jose').map((config) => ({ ...config, files: ['**/*.spec.ts'] })),
  // The entry point hands the process environment to the program (LATCHKEY_*_URL, the operator token):
  // a command line tool's configuration is its flags and environment, not @latchkey/config's service slices.
  ...readsEnvironment.map((config) => ({ ...config, files: ['latchkey.ts'] })),
];
