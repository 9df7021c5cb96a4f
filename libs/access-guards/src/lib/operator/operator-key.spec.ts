import { mkdtemp, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envOperatorKey, resolveOperatorKey } from './operator-key';

const FILE = 'some-service-operator-key';

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
    expect(await resolveOperatorKey({ configured, embedded: true, dataDir, fileName: FILE })).toEqual({ key: configured, from: 'config' });
    expect(await resolveOperatorKey({ configured, embedded: false, dataDir, fileName: FILE })).toEqual({ key: configured, from: 'config' });
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('disables the admin API on PostgreSQL without a configured key, generating nothing', async () => {
    expect(await resolveOperatorKey({ configured: undefined, embedded: false, dataDir, fileName: FILE })).toBeUndefined();
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates an operator key once under the data folder in the named file when embedded (0600), and reads the same one again', async () => {
    const first = await resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: FILE });
    const path = join(dataDir, 'secrets', FILE);
    expect(first).toEqual({ key: expect.stringMatching(/^lk_op_[A-Za-z0-9_-]{43}$/), from: 'file', path });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: FILE })).toEqual(first);
  });

  it('keeps one key per file name, so services on one data folder do not share a key', async () => {
    const one = await resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: 'a-operator-key' });
    const other = await resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: 'b-operator-key' });
    expect(one?.key).not.toBe(other?.key);
  });

  it('refuses to start on a key file too short to be a key', async () => {
    await mkdir(join(dataDir, 'secrets'), { recursive: true });
    await writeFile(join(dataDir, 'secrets', FILE), 'short\n');
    await expect(resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: FILE })).rejects.toThrow(/at least 32 characters/);
  });
});

describe(envOperatorKey.name, () => {
  it.each([
    ['unset', undefined, true],
    ['32 bearer-token characters', 'A'.repeat(30) + '._', true],
    ['with padding', 'b'.repeat(32) + '==', true],
    ['31 characters', 'c'.repeat(31), false],
    ['513 characters', 'd'.repeat(513), false],
    ['a space', 'e'.repeat(20) + ' ' + 'e'.repeat(20), false],
  ])('accepts or refuses %s', (_case, value, ok) => {
    expect(envOperatorKey().safeParse(value).success).toBe(ok);
  });
});
