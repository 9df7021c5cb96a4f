import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '@latchkey/tokens';
import { loadServiceSigningKey, type ServiceSigningKeyOptions } from './service-signing-key';

const OPTIONS: Omit<ServiceSigningKeyOptions, 'configured'> = {
  variable: 'LATCHKEY_TEST_SIGNING_KEY',
  fileName: 'test-signing-key.json',
  codes: { missing: 'TEST.SIGNING_KEY_MISSING', invalid: 'TEST.SIGNING_KEY_INVALID' },
};

describe(loadServiceSigningKey.name, () => {
  const saved = { ...process.env };
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'service-key-'));
    delete process.env['DATABASE_URL'];
    process.env['LATCHKEY_DATA_DIR'] = dataDir;
  });

  afterEach(async () => {
    process.env = { ...saved };
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured private JWK, and publishes only its public half', async () => {
    const key = await generateSigningKey('ES256');

    const loaded = await loadServiceSigningKey({ ...OPTIONS, configured: JSON.stringify(key.privateJwk) });

    expect(loaded.key.kid).toBe(key.kid);
    expect(loaded.source).toBe('configured');
    expect(loaded.jwks.keys.map((k) => k.kid)).toEqual([key.kid]);
    expect(JSON.stringify(loaded.jwks)).not.toContain(String(key.privateJwk['d']));
  });

  it('refuses a value that is not JSON, without repeating it', async () => {
    const attempt = loadServiceSigningKey({ ...OPTIONS, configured: 'not-json-secret-material' });
    await expect(attempt).rejects.toMatchObject({ code: 'TEST.SIGNING_KEY_INVALID' });
    await expect(attempt).rejects.not.toThrow(/secret-material/);
  });

  it('refuses to boot on PostgreSQL without a configured key', async () => {
    process.env['DATABASE_URL'] = 'postgres://127.0.0.1:5432/none';
    await expect(loadServiceSigningKey({ ...OPTIONS, configured: undefined })).rejects.toMatchObject({ code: 'TEST.SIGNING_KEY_MISSING' });
  });

  it('generates one key under the data folder when embedded, and finds the same key at the next start', async () => {
    const first = await loadServiceSigningKey({ ...OPTIONS, configured: undefined });
    const second = await loadServiceSigningKey({ ...OPTIONS, configured: undefined });

    expect(first.source).toBe(join(dataDir, 'secrets', OPTIONS.fileName));
    expect(second.key.kid).toBe(first.key.kid);
    expect(JSON.parse(await readFile(first.source, 'utf8'))).toMatchObject({ kid: first.key.kid });
  });
});
