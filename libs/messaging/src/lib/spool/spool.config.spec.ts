import { join } from 'node:path';
import { ConfigError, loadConfig, platformConfig } from '@latchkey/config';
import { spoolConfig, spoolSettings } from './spool.config';

describe('spoolConfig', () => {
  const settings = (env: Record<string, string>) => spoolSettings('face-api', loadConfig(platformConfig, env), loadConfig(spoolConfig, env));

  it('defaults to a 64 MiB spool per service under the data folder and a one-second deadline', () => {
    expect(settings({ LATCHKEY_DATA_DIR: '/var/lib/latchkey' })).toEqual({
      dir: join('/var/lib/latchkey', 'spool', 'face-api'),
      maxBytes: 64 * 1024 * 1024,
      deadlineMs: 1000,
    });
  });

  it('takes an explicit folder, size and deadline; 0 bytes turns the spool off', () => {
    expect(
      settings({ LATCHKEY_SPOOL_DIR: '/mnt/spool', LATCHKEY_SPOOL_MAX_BYTES: '0', LATCHKEY_USE_EVENT_DEADLINE_MS: '250' }),
    ).toEqual({ dir: '/mnt/spool', maxBytes: 0, deadlineMs: 250 });
  });

  it('names every bad variable', () => {
    expect(() => loadConfig(spoolConfig, { LATCHKEY_SPOOL_MAX_BYTES: '-1', LATCHKEY_USE_EVENT_DEADLINE_MS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig(spoolConfig, { LATCHKEY_SPOOL_MAX_BYTES: '-1', LATCHKEY_USE_EVENT_DEADLINE_MS: '0' })).toThrow(
      /LATCHKEY_SPOOL_MAX_BYTES[\s\S]*LATCHKEY_USE_EVENT_DEADLINE_MS/,
    );
  });
});
