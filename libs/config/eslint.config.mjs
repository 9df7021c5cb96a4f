import baseConfig, { readsEnvironment } from '../../eslint.config.mjs';

// The config lib is the one place that reads process.env.
export default [...baseConfig, ...readsEnvironment];
