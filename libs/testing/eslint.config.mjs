import baseConfig, { owns, readsEnvironment } from '../../eslint.config.mjs';

// Test infrastructure locates PostgreSQL and Kafka itself, before any app config exists.
export default [...baseConfig, ...owns('pg', 'kafkajs'), ...readsEnvironment];
