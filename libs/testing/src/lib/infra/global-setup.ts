import { execFileSync } from 'node:child_process';
import { KafkaBroker } from '../kafka/kafka-broker';
import { InfraEnv, isCi } from './infra-env';
import { DEFAULT_ADMIN_URL, ensureTestDatabase } from './postgres';
import { DEFAULT_REDIS_URL, pingRedis } from './redis';

function hasCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Under CI a missing dependency fails the run; locally it skips with one clear line. */
function missing(what: string, reason: string, envName: string): void {
  if (isCi()) throw new Error(`CI=true but ${what} is unavailable: ${reason}`);
  process.env[envName] = reason;
  process.stderr.write(`\n*** SKIPPING ${what} integration tests: ${reason} ***\n`);
}

async function setUpKafka(): Promise<void> {
  const given = process.env['KAFKA_BROKERS'];
  if (given) {
    process.env[InfraEnv.kafkaBrokers] = given;
    return;
  }
  if (!hasCommand('java', ['-version']) || !hasCommand('mvn', ['-v'])) {
    missing('Kafka', 'java or mvn not found (install a JDK and Maven, or set KAFKA_BROKERS)', InfraEnv.kafkaMissing);
    return;
  }
  try {
    const broker = await KafkaBroker.start();
    (globalThis as { __latchkeyKafka?: KafkaBroker }).__latchkeyKafka = broker;
    process.env[InfraEnv.kafkaBrokers] = broker.brokers.join(',');
  } catch (error) {
    missing('Kafka', `could not start a broker: ${(error as Error).message}`, InfraEnv.kafkaMissing);
  }
}

async function setUpPostgres(): Promise<void> {
  try {
    process.env[InfraEnv.databaseUrl] = await ensureTestDatabase(process.env['DATABASE_URL'] || DEFAULT_ADMIN_URL);
  } catch (error) {
    missing('PostgreSQL', (error as Error).message, InfraEnv.postgresMissing);
  }
}

async function setUpRedis(): Promise<void> {
  const url = process.env['REDIS_URL'] || DEFAULT_REDIS_URL;
  try {
    await pingRedis(url);
    process.env[InfraEnv.redisUrl] = url;
  } catch (error) {
    missing('Redis', (error as Error).message, InfraEnv.redisMissing);
  }
}

/** Jest global setup of every integration project: find or start Kafka, find PostgreSQL and Redis. */
export default async function globalSetup(): Promise<void> {
  await Promise.all([setUpKafka(), setUpPostgres(), setUpRedis()]);
}
