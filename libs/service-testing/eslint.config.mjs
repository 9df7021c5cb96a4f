import baseConfig, { readsEnvironment } from '../../eslint.config.mjs';

// Points a service under test at the real infrastructure through the environment.
export default [...baseConfig, ...readsEnvironment];
