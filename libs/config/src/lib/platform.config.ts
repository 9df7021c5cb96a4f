import { defineConfigSlice } from './config-slice';
import { envCrashPlan } from './crash-point';
import { envBoolean, envEnum, envHostPortList, envInteger, envPostgresUrl, envString, envUrl } from './config-fields';

/** pino's levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The variables every service process reads. Unset optional infrastructure
 * selects the embedded default (PGlite, in-process bus, no trace export), so
 * `npm start` needs no configuration at all.
 */
export const platformConfig = defineConfigSlice('platform', {
  LATCHKEY_DATA_DIR: envString()
    .default('.data')
    .describe('Folder for embedded state (the PGlite database under `pglite/`, spools); relative to the working directory.'),
  DATABASE_URL: envPostgresUrl()
    .optional()
    .describe('PostgreSQL connection URL. When unset, an embedded PGlite database under `LATCHKEY_DATA_DIR/pglite` is used.'),
  KAFKA_BROKERS: envHostPortList()
    .optional()
    .describe('Kafka bootstrap brokers. When unset, events travel over the in-process bus (single process only).'),
  KAFKA_CLIENT_ID: envString().optional().describe('Kafka client id; defaults to `latchkey-<service>`.'),
  KAFKA_PRODUCER_THREAD: envBoolean()
    .default(true)
    .describe(
      'Produce events on a worker thread of their own, off the event loop that answers HTTP (recording every gated use costs the loop a fifth of its time otherwise). `false` produces on the main thread.',
    ),
  LATCHKEY_HOST: envString().default('127.0.0.1').describe('Interface the HTTP services listen on (`0.0.0.0` in containers).'),
  LOG_LEVEL: envEnum(LOG_LEVELS).default('info').describe('Minimum level of the JSON logs written to stdout.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: envUrl(['http:', 'https:'])
    .optional()
    .describe('OTLP/HTTP collector base URL; traces are sent to `<endpoint>/v1/traces`. When unset, no telemetry leaves the process.'),
  OTEL_SERVICE_NAME: envString().optional().describe('Overrides `service.name` on traces; by default it is the name of the service being run.'),
  LATCHKEY_SHUTDOWN_TIMEOUT_MS: envInteger({ min: 1, max: 600_000 })
    .default(10_000)
    .describe('Deadline for a graceful shutdown after SIGTERM/SIGINT; the process exits non-zero when it passes.'),
  LATCHKEY_CRASH_AT: envCrashPlan()
    .optional()
    .describe(
      'Fault tests only: the process kills itself (SIGKILL) the n-th time it reaches this crash point (`outbox.published-not-marked`, `consumer.handled-not-committed`, `issuer.committed-not-answered`), to prove that a crash in that window loses nothing. Never set it in production.',
    ),
});
