import baseConfig, { owns, readsEnvironment } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // `token verify` checks any platform JWT against any JWKS the operator names (lib/jws.ts): the
  // profiles of @latchkey/tokens each pin one typ and audience, so the CLI uses jose itself, visibly.
  ...owns('jose'),
  // The entry point hands the process environment to the program (LATCHKEY_*_URL, the operator token):
  // a command line tool's configuration is its flags and environment, not @latchkey/config's service slices.
  ...readsEnvironment.map((config) => ({ ...config, files: ['latchkey.ts'] })),
];
