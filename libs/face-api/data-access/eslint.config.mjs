import baseConfig, { owns } from '../../../eslint.config.mjs';

// Data-access libs define their tables and queries with the ORM.
export default [...baseConfig, ...owns('drizzle-orm')];
