import baseConfig, { owns } from '../../eslint.config.mjs';

// The persistence lib owns the database drivers and the ORM.
export default [...baseConfig, ...owns('drizzle-orm', '@electric-sql/pglite', 'pg')];
