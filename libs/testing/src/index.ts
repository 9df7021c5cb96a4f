export { eventually } from './lib/wait/eventually';
export {
  InfraEnv,
  isCi,
  testKafkaBrokers,
  testDatabaseUrl,
  testRedisUrl,
  describeWithKafka,
  describeWithPostgres,
  describeWithInfrastructure,
  describeWithInfrastructureAndRedis,
} from './lib/infra/infra-env';
export { TEST_SERVICE_ENV } from './lib/infra/test-service-env';
export { DEFAULT_REDIS_URL, pingRedis } from './lib/infra/redis';
export { ensureTestDatabase, DEFAULT_ADMIN_URL, TEST_DATABASE } from './lib/infra/postgres';
export * from './lib/kafka';
export { createScratchDatabase, type ScratchDatabase } from './lib/infra/scratch-database';
export { openMigratedPglite, type MigratedService } from './lib/pglite/migrated-pglite';
export { parseScrape, scrapeMetrics, type Scrape, type ScrapedFamily, type ScrapedSample } from './lib/prometheus/scrape-metrics';
export { startOtlpTraceReceiver, type OtlpTraceReceiver, type ReceivedSpan } from './lib/otlp/otlp-trace-receiver';
