import { mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { ConfigOf } from '@latchkey/config';
import type { issuerConfig } from '../issuer.config';
import { OperatorCredential, resolveOperatorKey } from './operator-credential';

describe(resolveOperatorKey.name, () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-operator-key-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured key, embedded or not, and writes nothing', async () => {
    const configured = 'c'.repeat(32);
    expect(await resolveOperatorKey({ configured, embedded: true, dataDir })).toEqual({ key: configured, from: 'config' });
    expect(await resolveOperatorKey({ configured, embedded: false, dataDir })).toEqual({ key: configured, from: 'config' });
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('disables the admin API on PostgreSQL without a configured key, generating nothing', async () => {
    expect(await resolveOperatorKey({ configured: undefined, embedded: false, dataDir })).toBeUndefined();
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates an operator key once under the data folder when embedded (0600), and reads the same one again', async () => {
    const first = await resolveOperatorKey({ configured: undefined, embedded: true, dataDir });
    const path = join(dataDir, 'secrets', 'issuer-operator-key');
    expect(first).toEqual({ key: expect.stringMatching(/^lk_op_[A-Za-z0-9_-]{43}$/), from: 'file', path });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await resolveOperatorKey({ configured: undefined, embedded: true, dataDir })).toEqual(first);
  });

  it('refuses to start on a key file too short to be a key', async () => {
    await mkdir(join(dataDir, 'secrets'), { recursive: true });
    await writeFile(join(dataDir, 'secrets', 'issuer-operator-key'), 'short\n');
    await expect(resolveOperatorKey({ configured: undefined, embedded: true, dataDir })).rejects.toThrow(/at least 32 characters/);
  });
});

describe(OperatorCredential.name, () => {
  const environment = { ...process.env };
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-operator-key-'));
    process.env['LATCHKEY_DATA_DIR'] = dataDir;
  });

  afterEach(async () => {
    process.env = { ...environment };
    jest.restoreAllMocks();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function credential(configured: string | undefined): Promise<OperatorCredential> {
    const created = new OperatorCredential({ LATCHKEY_ISSUER_OPERATOR_KEY: configured } as ConfigOf<typeof issuerConfig>);
    await created.onModuleInit();
    return created;
  }

  it('logs where the generated key is, never the key', async () => {
    delete process.env['DATABASE_URL'];
    const lines: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(String(message)));
    const embedded = await credential(undefined);
    const key = (await resolveOperatorKey({ configured: undefined, embedded: true, dataDir }))?.key ?? '';

    expect(embedded.enabled).toBe(true);
    expect(embedded.matches(key)).toBe(true);
    expect(lines).toEqual([expect.stringContaining(join(dataDir, 'secrets', 'issuer-operator-key'))]);
    expect(lines.join('\n')).not.toContain(key.slice(6));
  });

  it('is disabled on PostgreSQL without a key, says so once, and matches nothing', async () => {
    process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const disabled = await credential(undefined);

    expect(disabled.enabled).toBe(false);
    expect(disabled.matches('')).toBe(false);
    expect(disabled.matches('c'.repeat(32))).toBe(false);
    expect(warnings).toEqual([expect.stringContaining('admin API disabled')]);
  });

  it('matches only the exact configured key', async () => {
    process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
    const configured = await credential('c'.repeat(32));
    expect(configured.matches('c'.repeat(32))).toBe(true);
    expect(configured.matches('c'.repeat(31))).toBe(false);
    expect(configured.matches('c'.repeat(33))).toBe(false);
    expect(configured.matches('')).toBe(false);
  });
});
