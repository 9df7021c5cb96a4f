import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { OperatorCredential } from './operator-credential';
import { resolveOperatorKey } from './operator-key';

const CODES = { unauthenticated: 'SVC.UNAUTHENTICATED', invalid: 'SVC.INVALID', disabled: 'SVC.DISABLED' };

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
    const created = new OperatorCredential({ service: 'some-service', variable: 'LATCHKEY_SOME_SERVICE_OPERATOR_KEY', configured, codes: CODES });
    await created.onModuleInit();
    return created;
  }

  it('logs where the generated key is, never the key', async () => {
    delete process.env['DATABASE_URL'];
    const lines: string[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void lines.push(String(message)));
    const embedded = await credential(undefined);
    const key = (await resolveOperatorKey({ configured: undefined, embedded: true, dataDir, fileName: 'some-service-operator-key' }))?.key ?? '';

    expect(embedded.enabled).toBe(true);
    expect(embedded.matches(key)).toBe(true);
    expect(lines).toEqual([expect.stringContaining(join(dataDir, 'secrets', 'some-service-operator-key'))]);
    expect(lines.join('\n')).not.toContain(key.slice(6));
  });

  it('is disabled on PostgreSQL without a key, says so once naming the variable, and matches nothing', async () => {
    process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    const disabled = await credential(undefined);

    expect(disabled.enabled).toBe(false);
    expect(disabled.matches('')).toBe(false);
    expect(disabled.matches('c'.repeat(32))).toBe(false);
    expect(warnings).toEqual([expect.stringMatching(/^break-glass key off: LATCHKEY_SOME_SERVICE_OPERATOR_KEY is not set/)]);
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
