/**
 * How integration tests learn what infrastructure the global setup found.
 * The setup runs in jest's parent process and passes its findings to the
 * test workers through these environment variables.
 */
export const InfraEnv = {
  kafkaBrokers: 'LATCHKEY_TEST_KAFKA_BROKERS',
  kafkaMissing: 'LATCHKEY_TEST_KAFKA_MISSING',
  databaseUrl: 'LATCHKEY_TEST_DATABASE_URL',
  postgresMissing: 'LATCHKEY_TEST_POSTGRES_MISSING',
  redisUrl: 'LATCHKEY_TEST_REDIS_URL',
  redisMissing: 'LATCHKEY_TEST_REDIS_MISSING',
} as const;

/** True under CI, where a missing dependency must fail the run rather than skip. */
export function isCi(): boolean {
  return process.env['CI'] === 'true' || process.env['CI'] === '1';
}

/** Brokers of the real Kafka under test, or undefined when the tests must skip. */
export function testKafkaBrokers(): string[] | undefined {
  const value = process.env[InfraEnv.kafkaBrokers];
  return value ? value.split(',') : undefined;
}

/** URL of the real PostgreSQL test database, or undefined when the tests must skip. */
export function testDatabaseUrl(): string | undefined {
  return process.env[InfraEnv.databaseUrl] || undefined;
}

/** URL of the real Redis under test, or undefined when the tests must skip. */
export function testRedisUrl(): string | undefined {
  return process.env[InfraEnv.redisUrl] || undefined;
}

/**
 * `describe` when real Kafka is available, otherwise a skipped `describe`
 * whose name states why (the global setup already printed the reason once).
 * These skips are the "skip loudly when Java or PostgreSQL is missing"
 * rule for local runs; under CI=true the global setup fails the run before
 * any skip can happen, so integration tests never skip in CI.
 */
export function describeWithKafka(name: string, body: () => void): void {
  if (testKafkaBrokers()) describe(name, body);
  else describe.skip(`${name} [skipped: ${process.env[InfraEnv.kafkaMissing] ?? 'no Kafka'}]`, body);
}

/** Like describeWithKafka, for PostgreSQL. */
export function describeWithPostgres(name: string, body: () => void): void {
  if (testDatabaseUrl()) describe(name, body);
  else describe.skip(`${name} [skipped: ${process.env[InfraEnv.postgresMissing] ?? 'no PostgreSQL'}]`, body);
}

/** `describe` when both real Kafka and real PostgreSQL are available (service integration tests). */
export function describeWithInfrastructure(name: string, body: () => void): void {
  const missing = [
    testKafkaBrokers() ? undefined : (process.env[InfraEnv.kafkaMissing] ?? 'no Kafka'),
    testDatabaseUrl() ? undefined : (process.env[InfraEnv.postgresMissing] ?? 'no PostgreSQL'),
  ].filter((m): m is string => m !== undefined);
  if (missing.length === 0) describe(name, body);
  else describe.skip(`${name} [skipped: ${missing.join('; ')}]`, body);
}

/** `describe` when real Kafka, PostgreSQL and Redis are all available (shared-state tests). */
export function describeWithInfrastructureAndRedis(name: string, body: () => void): void {
  if (!testRedisUrl()) {
    describe.skip(`${name} [skipped: ${process.env[InfraEnv.redisMissing] ?? 'no Redis'}]`, body);
    return;
  }
  describeWithInfrastructure(name, body);
}
