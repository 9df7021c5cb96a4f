import baseConfig, { owns } from '../../eslint.config.mjs';

// The tokens lib owns the JOSE library.
export default [...baseConfig, ...owns('jose')];
