import baseConfig, { readsEnvironment } from '../eslint.config.mjs';

// The fault harness is test infrastructure: it points its processes at its own broker through the environment.
export default [...baseConfig, ...readsEnvironment];
