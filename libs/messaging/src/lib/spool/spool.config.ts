import { join } from 'node:path';
import { defineConfigSlice, envInteger, envString, type ConfigOf, type platformConfig } from '@latchkey/config';

const MIB = 1024 * 1024;

/**
 * The fail-closed publishing of resource servers: how long a gated request
 * waits for the bus, and the local spool that takes its event when the bus
 * does not answer in time.
 */
export const spoolConfig = defineConfigSlice('spool', {
  LATCHKEY_SPOOL_DIR: envString()
    .optional()
    .describe(
      'Folder of the local spool that keeps events the bus did not acknowledge in time, until they are republished. Defaults to `LATCHKEY_DATA_DIR/spool/<service>`. Must be a durable local disk, one folder per instance.',
    ),
  LATCHKEY_SPOOL_MAX_BYTES: envInteger({ min: 0, max: 1024 * 1024 * MIB })
    .default(64 * MIB)
    .describe(
      'Most bytes the spool may hold. When it is full, or 0 (spool disabled), and the bus does not acknowledge, gated requests are refused with 503 and `Retry-After`.',
    ),
  LATCHKEY_USE_EVENT_DEADLINE_MS: envInteger({ min: 1, max: 60_000 })
    .default(1000)
    .describe('How long a gated request waits for the bus to acknowledge its `lat.used` event before the event is spooled instead.'),
});

/** The spool settings of one service, with the folder resolved. */
export interface SpoolSettings {
  readonly dir: string;
  /** 0: no spool; events the bus does not acknowledge are refused. */
  readonly maxBytes: number;
  readonly deadlineMs: number;
}

/** Resolves the folder: `LATCHKEY_SPOOL_DIR`, or `<LATCHKEY_DATA_DIR>/spool/<service>`. */
export function spoolSettings(
  service: string,
  platform: Pick<ConfigOf<typeof platformConfig>, 'LATCHKEY_DATA_DIR'>,
  config: ConfigOf<typeof spoolConfig>,
): SpoolSettings {
  return {
    dir: config.LATCHKEY_SPOOL_DIR ?? join(platform.LATCHKEY_DATA_DIR, 'spool', service),
    maxBytes: config.LATCHKEY_SPOOL_MAX_BYTES,
    deadlineMs: config.LATCHKEY_USE_EVENT_DEADLINE_MS,
  };
}
