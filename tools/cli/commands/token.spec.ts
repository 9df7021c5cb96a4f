import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { FakePlatform, json, PLATFORM_ENV } from '../test/fake-platform';

async function signer(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const sign = (claims: Record<string, unknown>, expiresIn = '1h') =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'lat+jwt' }).setIssuedAt().setExpirationTime(expiresIn).sign(privateKey);
  return { jwk, sign };
}

describe('latchkey token decode | verify', () => {
  it('decodes without verifying, and says so', async () => {
    const { sign } = await signer('k1');
    const token = await sign({ iss: 'http://issuer.test', aud: 'res', features: ['Face.Identification'] });
    const platform = new FakePlatform();
    const human = await platform.run(['token', 'decode', token]);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^UNVERIFIED/);
    expect(human.stdout).toContain('"typ":"lat+jwt"');
    expect(human.stdout).toMatch(/exp: \d+ \(\d{4}-\d\d-\d\dT/);
    expect(JSON.parse((await platform.run(['token', 'decode', token, '--json'])).stdout)).toMatchObject({
      verified: false,
      header: { alg: 'ES256', kid: 'k1' },
      claims: { aud: 'res', features: ['Face.Identification'] },
    });
    expect(await platform.run(['token', 'decode', 'not-a-jwt'])).toMatchObject({ code: 2, stderr: expect.stringContaining('not a compact JWS') });
  });

  it("verifies against the issuer's JWKS by default, checking iss and aud; an invalid token exits 1", async () => {
    const good = await signer('k1');
    const stranger = await signer('k1');
    const platform = new FakePlatform().on('GET', '/.well-known/jwks.json', () => json(200, { keys: [good.jwk] }));
    const token = await good.sign({ iss: 'http://issuer.test', aud: 'res' });
    const valid = await platform.run(['token', 'verify', token, '--issuer', 'http://issuer.test', '--audience', 'res', '--json'], PLATFORM_ENV);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, claims: { aud: 'res' }, jwks: 'http://issuer.test/.well-known/jwks.json' });

    const cases: [string, string[]][] = [
      [await stranger.sign({ iss: 'http://issuer.test', aud: 'res' }), []],
      [token, ['--audience', 'other']],
      [token, ['--issuer', 'http://elsewhere.test']],
      [await good.sign({ iss: 'http://issuer.test', aud: 'res' }, '-1 hour'), []],
    ];
    const codes = [];
    for (const [candidate, extra] of cases) {
      const run = await platform.run(['token', 'verify', candidate, ...extra], PLATFORM_ENV);
      expect(run.stdout).toMatch(/^INVALID \(TOKENS\./);
      codes.push(run.code);
    }
    expect(codes).toEqual([1, 1, 1, 1]);
    // A JWKS that cannot be had is "could not run", not "invalid".
    expect(await platform.run(['token', 'verify', token, '--jwks', 'http://down.invalid/jwks'], PLATFORM_ENV)).toMatchObject({ code: 2 });
    expect(await platform.run(['token', 'verify', token, '--jwks', '/nonexistent.json'], PLATFORM_ENV)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot be read'),
    });
  });

  it('refuses an unsigned token (alg none) without trying it', async () => {
    const good = await signer('k1');
    const platform = new FakePlatform().on('GET', '/.well-known/jwks.json', () => json(200, { keys: [good.jwk] }));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', kid: 'k1' })}.${b64({ iss: 'http://issuer.test', exp: 9999999999 })}.`;
    expect(await platform.run(['token', 'verify', unsigned], PLATFORM_ENV)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^INVALID/) });
  });
});
