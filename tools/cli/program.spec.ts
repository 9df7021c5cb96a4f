import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakePlatform, json, PLATFORM_ENV } from './test/fake-platform';

const ISV = {
  id: 'acme',
  displayName: 'Acme',
  status: 'pending',
  grantedFeatures: [],
  resourceId: null,
  dpopRequired: false,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('latchkey (program, against a fake platform)', () => {
  it('prints help with exit 0, and exits 2 on an unknown command, option or a missing argument', async () => {
    const platform = new FakePlatform();
    const help = await platform.run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(await platform.run(['nonsense'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'nonsense'") });
    expect(await platform.run(['isv', 'list', '--bogus'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--bogus'") });
    expect(await platform.run(['isv', 'show'])).toMatchObject({ code: 2, stderr: expect.stringContaining("missing required argument 'isv-id'") });
    expect(await platform.run(['isv', 'revoke', 'acme'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--reason') });
    expect(await platform.run([])).toMatchObject({ code: 2 });
    expect(platform.seen).toEqual([]);
  });

  it('lists ISVs as a table, or as JSON alone on stdout with --json, sending the operator token', async () => {
    const platform = new FakePlatform().on('GET', '/admin/v1/isvs', () =>
      json(200, { isvs: [ISV, { ...ISV, id: 'beta', status: 'approved', grantedFeatures: ['Face.Verification'] }] }),
    );
    const table = await platform.run(['isv', 'list'], PLATFORM_ENV);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/│ acme\s+│ Acme\s+│ pending/);
    expect(table.stdout).toMatch(/│ beta\s+│ Acme\s+│ approved\s+│ Face.Verification/);
    const asJson = await platform.run(['isv', 'list', '--json'], PLATFORM_ENV);
    expect(JSON.parse(asJson.stdout)).toEqual({ isvs: [ISV, expect.objectContaining({ id: 'beta' })] });
    expect(platform.seen.map((r) => [r.url.href, r.headers['authorization']])).toEqual([
      ['http://issuer.test/admin/v1/isvs', 'Bearer operator-token-secret-value'],
      ['http://issuer.test/admin/v1/isvs', 'Bearer operator-token-secret-value'],
    ]);
  });

  it('maps the server’s refusals onto exit codes with a clear message that never carries the credential', async () => {
    const refuse = (status: number, code: string, inner: string) => () =>
      json(status, { error: { code, message: `${inner} happened`, innererror: { code: inner, message: `${inner} detail` } } });
    const platform = new FakePlatform()
      .on('POST', '/admin/v1/isvs/acme/approve', refuse(401, '401', 'OperatorTokenInvalid'))
      .on('POST', '/admin/v1/isvs/gone/approve', refuse(404, 'NotFound', 'IsvNotFound'))
      .on('POST', '/admin/v1/isvs', refuse(409, 'Conflict', 'IsvAlreadyExists'))
      .on('GET', '/admin/v1/isvs', refuse(503, 'ServiceUnavailable', 'NotReady'));
    const unauthorized = await platform.run(['isv', 'approve', 'acme'], PLATFORM_ENV);
    expect(unauthorized.code).toBe(3);
    expect(unauthorized.stderr).toBe(
      'latchkey: the issuer service refused POST /admin/v1/isvs/acme/approve: 401 OperatorTokenInvalid: OperatorTokenInvalid detail (check --token, LATCHKEY_OPERATOR_TOKEN or the key)\n',
    );
    expect(await platform.run(['isv', 'approve', 'gone'], PLATFORM_ENV)).toMatchObject({
      code: 4,
      stderr: expect.stringContaining('404 NotFound / IsvNotFound'),
    });
    expect(await platform.run(['isv', 'create', 'acme', '--name', 'Acme'], PLATFORM_ENV)).toMatchObject({
      code: 5,
      stderr: expect.stringContaining('409 Conflict'),
    });
    expect(await platform.run(['isv', 'list'], PLATFORM_ENV)).toMatchObject({ code: 6 });
    const unreachable = await platform.run(['isv', 'list'], { ...PLATFORM_ENV, LATCHKEY_ISSUER_URL: 'http://down.invalid' });
    expect(unreachable).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('the issuer service at http://down.invalid cannot be reached (ECONNREFUSED)'),
    });
    for (const run of [unauthorized, unreachable]) expect(run.stderr + run.stdout).not.toContain(PLATFORM_ENV['LATCHKEY_OPERATOR_TOKEN']);
  });

  it('sends the documented bodies: create, grant (a known flag only), revoke with a reason', async () => {
    const platform = new FakePlatform()
      .on('POST', '/admin/v1/isvs', (r) => json(201, { ...ISV, ...(r.body as object) }))
      .on('PUT', '/admin/v1/isvs/acme/features/Face.Identification', () => json(200, { ...ISV, grantedFeatures: ['Face.Identification'] }))
      .on('POST', '/admin/v1/isvs/acme/issuing-right/revoke', () =>
        json(200, { isvId: 'acme', action: 'revoke', notBefore: '2026-01-01T00:00:00Z' }),
      );
    expect((await platform.run(['isv', 'create', 'acme', '--name', 'Acme Inc', '--resource-id', '/subscriptions/x'], PLATFORM_ENV)).code).toBe(0);
    expect(platform.seen[0]?.body).toEqual({ id: 'acme', displayName: 'Acme Inc', resourceId: '/subscriptions/x' });
    const granted = await platform.run(['--json', 'isv', 'grant', 'acme', 'Face.Identification'], PLATFORM_ENV);
    expect(JSON.parse(granted.stdout).grantedFeatures).toEqual(['Face.Identification']);
    const revoked = await platform.run(['isv', 'revoke', 'acme', '--reason', 'ADMIN.CONTRACT_ENDED'], PLATFORM_ENV);
    expect(revoked.stdout).toBe('acme: issuing right revoked (not before 2026-01-01T00:00:00Z)\n');
    expect(platform.seen[2]?.body).toEqual({ reason: 'ADMIN.CONTRACT_ENDED' });
    expect((await platform.run(['isv', 'grant', 'acme', 'face.identification'], PLATFORM_ENV)).code).toBe(2);
    expect(platform.seen).toHaveLength(3);
  });

  it('creates a key in the first empty slot and shows it once; refuses to overwrite a held slot without rotate', async () => {
    const issued = { keyId: 'k2', slot: 2, hint: 'abcd', createdAt: '2026-01-01T00:00:00Z', subscriptionKey: 'lk_isv_thekey', replacedKeyId: null };
    const platform = new FakePlatform()
      .on('GET', '/admin/v1/isvs/acme/keys', () => json(200, { keys: [{ keyId: 'k1', slot: 1, hint: 'wxyz', createdAt: '2026-01-01T00:00:00Z' }] }))
      .on('POST', '/admin/v1/isvs/acme/keys/2', () => json(201, issued));
    const created = await platform.run(['keys', 'create', 'acme'], PLATFORM_ENV);
    expect(created).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('subscription key: lk_isv_thekey'),
      stderr: expect.stringContaining('shown this once'),
    });
    const held = await platform.run(['keys', 'create', 'acme', '--slot', '1', '--json'], PLATFORM_ENV);
    expect(held).toMatchObject({ code: 5, stdout: '', stderr: expect.stringContaining('slot 1 of acme holds a key: rotate it') });
    expect(platform.seen.filter((r) => r.method === 'POST').map((r) => r.url.pathname)).toEqual(['/admin/v1/isvs/acme/keys/2']);
    const rotated = await platform.run(['keys', 'rotate', 'acme', '--slot', '2', '--json'], PLATFORM_ENV);
    expect(JSON.parse(rotated.stdout)).toEqual(issued);
    expect((await platform.run(['keys', 'rotate', 'acme'], PLATFORM_ENV)).code).toBe(2);
  });

  it('issues a token with the ISV key from a file, printing only the token; blocks a client with the ISV key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
    try {
      await writeFile(join(dir, 'key'), 'lk_isv_secret\n');
      const platform = new FakePlatform()
        .on(
          'POST',
          '/sts/v1.0/issueLimitedAccessToken',
          () => new Response('eyJ.a.b', { status: 200, headers: { 'content-type': 'application/jwt' } }),
        )
        .on('POST', '/sts/v1.0/isv/clients/block', (r) =>
          json(200, { resourceId: (r.body as { targetAzureResourceId: string }).targetAzureResourceId, blocked: true }),
        );
      const issued = await platform.run(
        [
          'token',
          'issue',
          '--isv-key-file',
          join(dir, 'key'),
          '--resource',
          '/subscriptions/r',
          '--flag',
          'Face.Identification',
          'Face.Verification',
        ],
        PLATFORM_ENV,
      );
      expect(issued).toEqual({ code: 0, stdout: 'eyJ.a.b\n', stderr: '' });
      expect(platform.seen[0]).toMatchObject({
        headers: { 'ocp-apim-subscription-key': 'lk_isv_secret' },
        body: { targetAzureResourceId: '/subscriptions/r', featureFlags: ['Face.Identification', 'Face.Verification'] },
      });
      expect(platform.seen[0]?.headers['authorization']).toBeUndefined();
      const blocked = await platform.run(['client', 'block', '/subscriptions/r', '--reason', 'abuse'], {
        ...PLATFORM_ENV,
        LATCHKEY_ISV_KEY: 'lk_isv_env',
      });
      expect(blocked.stdout).toBe('/subscriptions/r: blocked\n');
      expect(platform.seen[1]).toMatchObject({
        headers: { 'ocp-apim-subscription-key': 'lk_isv_env' },
        body: { targetAzureResourceId: '/subscriptions/r', reason: 'abuse' },
      });
      expect(await platform.run(['client', 'unblock', '/subscriptions/r'], PLATFORM_ENV)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('no ISV subscription key'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds services and the break-glass key in the data folder when no flag or variable names them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'latchkey-cli-'));
    try {
      await writeFile(join(dir, 'demo-credentials.json'), JSON.stringify({ services: { issuer: 'http://from-file.test/' } }));
      await mkdir(join(dir, 'secrets'));
      await writeFile(join(dir, 'secrets', 'issuer-operator-key'), 'lk_op_breakglass\n');
      const platform = new FakePlatform().on('GET', '/admin/v1/isvs', () => json(200, { isvs: [] }));
      expect(await platform.run(['isv', 'list', '--data-dir', dir])).toMatchObject({ code: 0, stdout: 'no ISVs\n' });
      expect(platform.seen[0]).toMatchObject({
        url: new URL('http://from-file.test/admin/v1/isvs'),
        headers: { authorization: 'Bearer lk_op_breakglass' },
      });
      // A flag wins over the file; --token over the key file.
      await platform.run(['isv', 'list', '--data-dir', dir, '--issuer-url', 'http://flag.test', '--token', 't0k']);
      expect(platform.seen[1]).toMatchObject({ url: new URL('http://flag.test/admin/v1/isvs'), headers: { authorization: 'Bearer t0k' } });
      const none = await platform.run(['isv', 'list', '--data-dir', join(dir, 'missing')]);
      expect(none).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('no URL for the issuer service: give --issuer-url or LATCHKEY_ISSUER_URL'),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
