import { z } from 'zod';
import { defineConfigSlice } from './config-slice';
import { envInteger, envPort, envString, envUrl } from './config-fields';
import { ConfigError } from './config-error';
import { loadConfig, loadConfigs, validateConfig } from './load-config';

const demo = defineConfigSlice('demo', {
  LATCHKEY_DEMO_NAME: envString().describe('A required name.'),
  LATCHKEY_DEMO_RETRIES: envInteger({ min: 0, max: 10 }).default(3).describe('Retries.'),
  LATCHKEY_DEMO_CALLBACK: envUrl(['https:']).optional().describe('Callback URL.'),
});

const secrets = defineConfigSlice('secrets', {
  LATCHKEY_DEMO_API_KEY: envInteger().describe('Looks secret by name.'),
  LATCHKEY_DEMO_CLIENT_SECRET: envPort().describe('Looks secret by name.'),
  LATCHKEY_DEMO_PASSWORD: envPort().describe('Looks secret by name.'),
  LATCHKEY_DEMO_TOKEN_TTL: envPort().describe('Looks secret by name.'),
  DATABASE_URL: envUrl(['postgres:']).describe('May carry credentials.'),
  LATCHKEY_DEMO_UPSTREAM: envUrl(['https:']).describe('Not secret by name, but its value has credentials.'),
});

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('returns typed values with defaults applied for unset variables', () => {
    const config = loadConfig(demo, { LATCHKEY_DEMO_NAME: ' alpha ' });
    expect(config).toEqual({ LATCHKEY_DEMO_NAME: 'alpha', LATCHKEY_DEMO_RETRIES: 3, LATCHKEY_DEMO_CALLBACK: undefined });
    const retries: number = config.LATCHKEY_DEMO_RETRIES;
    expect(retries).toBe(3);
  });

  it('returns a frozen object', () => {
    const config = loadConfig(demo, { LATCHKEY_DEMO_NAME: 'alpha' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(demo, { LATCHKEY_DEMO_NAME: 'a', LATCHKEY_DEMO_RETRIES: '' }).LATCHKEY_DEMO_RETRIES).toBe(3);
  });

  it('names a missing required variable', () => {
    const error = configErrorOf(() => loadConfig(demo, {}));
    expect(error.issues).toEqual([{ variable: 'LATCHKEY_DEMO_NAME', slice: 'demo', problem: 'is required but not set' }]);
    expect(error.message).toContain('LATCHKEY_DEMO_NAME [demo]: is required but not set');
  });

  it('says what is expected of a bad value and echoes a non-secret value', () => {
    const error = configErrorOf(() => loadConfig(demo, { LATCHKEY_DEMO_NAME: 'a', LATCHKEY_DEMO_RETRIES: 'eleven' }));
    expect(error.message).toContain('LATCHKEY_DEMO_RETRIES [demo]: must be an integer from 0 to 10 (got "eleven")');
  });

  it('lists every bad variable in one error', () => {
    const error = configErrorOf(() =>
      loadConfig(demo, { LATCHKEY_DEMO_RETRIES: '99', LATCHKEY_DEMO_CALLBACK: 'http://insecure.example' }),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'LATCHKEY_DEMO_NAME',
      'LATCHKEY_DEMO_RETRIES',
      'LATCHKEY_DEMO_CALLBACK',
    ]);
    expect(error.message).toMatch(/^Invalid configuration: 3 variables to fix\./);
    expect(error.message).toContain('LATCHKEY_DEMO_CALLBACK [demo]: must be a URL using https');
  });

  it('never echoes the value of a secret variable or of a URL with credentials', () => {
    const values = {
      LATCHKEY_DEMO_API_KEY: 'sk-live-abc123',
      LATCHKEY_DEMO_CLIENT_SECRET: 'hunter2-secret',
      LATCHKEY_DEMO_PASSWORD: 'pa55word!',
      LATCHKEY_DEMO_TOKEN_TTL: 'eyJhbGciOi.tokenish',
      DATABASE_URL: 'mysql://admin:s3cr3t-db@db.internal:3306/latchkey',
      LATCHKEY_DEMO_UPSTREAM: 'ftp://bob:b0b-pass@upstream.example',
    };
    const error = configErrorOf(() => loadConfig(secrets, values));
    expect(error.issues).toHaveLength(6);
    for (const value of [...Object.values(values), 's3cr3t-db', 'b0b-pass', 'admin']) {
      expect(error.message).not.toContain(value);
    }
    expect(error.issues.every((issue) => issue.received === undefined)).toBe(true);
  });

  it('does not put values into zod-produced messages either', () => {
    const slice = defineConfigSlice('zod-only', {
      LATCHKEY_DEMO_MODE: z.enum(['a', 'b']).describe('A plain zod enum.'),
      LATCHKEY_DEMO_SECRET_MODE: z.enum(['a', 'b']).describe('A secret plain zod enum.'),
    });
    const error = configErrorOf(() =>
      loadConfig(slice, { LATCHKEY_DEMO_MODE: 'c', LATCHKEY_DEMO_SECRET_MODE: 'topsecretvalue' }),
    );
    expect(error.message).not.toContain('topsecretvalue');
    expect(error.message).toContain('LATCHKEY_DEMO_MODE [zod-only]');
  });
});

describe(loadConfigs.name, () => {
  const other = defineConfigSlice('other', { LATCHKEY_OTHER_PORT: envPort().describe('A port.') });

  it('returns each slice under its key', () => {
    const config = loadConfigs({ demo, other }, { LATCHKEY_DEMO_NAME: 'a', LATCHKEY_OTHER_PORT: '8080' });
    expect(config.demo.LATCHKEY_DEMO_NAME).toBe('a');
    expect(config.other.LATCHKEY_OTHER_PORT).toBe(8080);
  });

  it('reports the bad variables of all slices together', () => {
    const error = configErrorOf(() => loadConfigs({ demo, other }, { LATCHKEY_OTHER_PORT: '70000' }));
    expect(error.issues.map((issue) => `${issue.slice}:${issue.variable}`)).toEqual([
      'demo:LATCHKEY_DEMO_NAME',
      'other:LATCHKEY_OTHER_PORT',
    ]);
  });
});

describe(validateConfig.name, () => {
  it('passes silently when every slice is valid', () => {
    expect(() => validateConfig([demo, demo], { LATCHKEY_DEMO_NAME: 'a' })).not.toThrow();
  });

  it('reports a variable shared by two slices once', () => {
    const error = configErrorOf(() => validateConfig([demo, defineConfigSlice('again', demo.shape)], {}));
    expect(error.issues).toHaveLength(1);
  });
});

describe('secret detection', () => {
  it('does not treat the LATCHKEY_ prefix itself as a secret marker', () => {
    const slice = defineConfigSlice('prefix', {
      LATCHKEY_PREFIX_MODE: envInteger().describe('Plain.'),
      LATCHKEY_PREFIX_SIGNING_KEY: envInteger().describe('Secret.'),
    });
    const error = configErrorOf(() => loadConfig(slice, { LATCHKEY_PREFIX_MODE: 'plain', LATCHKEY_PREFIX_SIGNING_KEY: 'hidden' }));
    expect(error.message).toContain('(got "plain")');
    expect(error.message).not.toContain('hidden');
  });
});
