import { join } from 'node:path';

export * from './lib/abuse-detector.table';
export { UsageCounterRepository, type UseOutcome } from './lib/usage-counter.repository';

/** The abuse detector's Postgres schema and its checked-in migrations. */
export const ABUSE_DETECTOR_SCHEMA = 'abuse_detector';
export const ABUSE_DETECTOR_MIGRATIONS = join(__dirname, '..', 'migrations');
