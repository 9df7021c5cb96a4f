import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { LatchkeyError } from '@latchkey/contracts';
import { createRemoteJwks, generateSigningKey, KeyRing, signAuditFeedToken, signIsvCasesToken, type SigningKey } from '@latchkey/tokens';
import { IsvCaller, type IsvCallerIdentity } from './isv-caller.decorator';
import { IsvCasesAuthError } from './isv-cases-auth.errors';
import { IsvCasesTokenVerifier } from './isv-cases-token.verifier';
import { IsvCasesGuard } from './isv-cases.guard';

const ISSUER = 'https://issuer.latchkey.test';
const NOW = new Date('2030-01-01T00:00:00Z');

/** A request to `/isv/v1/isvs/:isvId/…` with these Authorization headers, and the reply headers the guard set. */
function contextOf(isvId: string, authorization: string[]) {
  const replyHeaders: Record<string, string> = {};
  const request = { params: { isvId }, raw: { rawHeaders: authorization.flatMap((v) => ['Authorization', v]) } };
  const reply = { header: (name: string, value: string) => (replyHeaders[name] = value) };
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ExecutionContext;
  return { context, replyHeaders };
}

/** What `@IsvCaller()` hands the handler for this context. */
function callerOf(context: ExecutionContext): IsvCallerIdentity {
  class Probe {
    handle(@IsvCaller() caller: IsvCallerIdentity): IsvCallerIdentity {
      return caller;
    }
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handle') as Record<
    string,
    { factory: (data: unknown, ctx: ExecutionContext) => IsvCallerIdentity }
  >;
  const [definition] = Object.values(args);
  if (definition === undefined) throw new Error('IsvCaller registered no route argument');
  return definition.factory(undefined, context);
}

async function refusal(promise: Promise<unknown>): Promise<IsvCasesAuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IsvCasesAuthError)) throw new Error(`expected an IsvCasesAuthError, got ${String(error)}`);
  return error;
}

describe(IsvCasesGuard.name, () => {
  let key: SigningKey;
  let guard: IsvCasesGuard;
  const casesToken = async (now = NOW, signer = key) =>
    (await signIsvCasesToken({ issuer: ISSUER, isvId: 'isv-a', now, jti: 'cases-1' }, signer)).token;

  beforeAll(async () => {
    key = await generateSigningKey('EdDSA');
    guard = new IsvCasesGuard(
      new IsvCasesTokenVerifier({ keys: new KeyRing([{ key, status: 'active' }]).publicJwks(), issuer: ISSUER, now: () => NOW }),
    );
  });

  it('admits the token’s own ISV and hands { isvId, jti } to @IsvCaller()', async () => {
    const { context, replyHeaders } = contextOf('isv-a', [`Bearer ${await casesToken()}`]);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(callerOf(context)).toEqual({ isvId: 'isv-a', jti: 'cases-1' });
    expect(replyHeaders['www-authenticate']).toBeUndefined();
  });

  it('gives @IsvCaller() nothing for a request the guard did not admit (a plain 401)', () => {
    const { context } = contextOf('isv-a', []);
    const error = (() => {
      try {
        return callerOf(context);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LatchkeyError);
    expect((error as LatchkeyError).code).toBe('HTTP.UNAUTHORIZED');
  });

  it.each([
    ['no Authorization header', () => Promise.resolve([])],
    ['two Authorization headers', async () => [`Bearer ${await casesToken()}`, `Bearer ${await casesToken()}`]],
    ['another scheme', () => Promise.resolve(['Basic dXNlcjpwYXNz'])],
    ['a bare token', async () => [await casesToken()]],
  ])('refuses %s as ISV_TOKEN_MISSING with a bare challenge', async (_why, headers) => {
    const { context, replyHeaders } = contextOf('isv-a', await headers());
    expect((await refusal(guard.canActivate(context))).code).toBe('ABUSE.ISV_TOKEN_MISSING');
    expect(replyHeaders['www-authenticate']).toBe('Bearer realm="latchkey-abuse-cases"');
  });

  it('refuses an audit feed token as ISV_TOKEN_WRONG_TYPE, naming invalid_token', async () => {
    const feed = await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: NOW }, key);
    const { context, replyHeaders } = contextOf('isv-a', [`Bearer ${feed.token}`]);
    expect((await refusal(guard.canActivate(context))).code).toBe('ABUSE.ISV_TOKEN_WRONG_TYPE');
    expect(replyHeaders['www-authenticate']).toBe('Bearer realm="latchkey-abuse-cases", error="invalid_token"');
  });

  it('refuses an expired token as ISV_TOKEN_EXPIRED', async () => {
    const { context, replyHeaders } = contextOf('isv-a', [`Bearer ${await casesToken(new Date(NOW.getTime() - 310_000))}`]);
    expect((await refusal(guard.canActivate(context))).code).toBe('ABUSE.ISV_TOKEN_EXPIRED');
    expect(replyHeaders['www-authenticate']).toBe('Bearer realm="latchkey-abuse-cases", error="invalid_token"');
  });

  it('refuses a token of a key the issuer does not publish as ISV_TOKEN_INVALID, without echoing it', async () => {
    const forged = await casesToken(NOW, await generateSigningKey('EdDSA'));
    const { context } = contextOf('isv-a', [`Bearer ${forged}`]);
    const error = await refusal(guard.canActivate(context));
    expect(error.code).toBe('ABUSE.ISV_TOKEN_INVALID');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(forged.split('.')[2]);
  });

  it.each(['isv-b', 'ISV-A', 'isv-a '])('refuses a good token on the path %j of another ISV with ISV_FOREIGN_ISV (403)', async (path) => {
    const { context, replyHeaders } = contextOf(path, [`Bearer ${await casesToken()}`]);
    const error = await refusal(guard.canActivate(context));
    expect({ code: error.code, details: error.details }).toEqual({ code: 'ABUSE.ISV_FOREIGN_ISV', details: { jti: 'cases-1' } });
    expect(replyHeaders['www-authenticate']).toBeUndefined();
    expect(() => callerOf(context)).toThrow(LatchkeyError);
  });

  describe('with the issuer’s keys out of reach', () => {
    let server: Server;

    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(500).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('answers ISV_KEYS_UNAVAILABLE (503) without a challenge, never a pass nor a 401', async () => {
      const { port } = server.address() as AddressInfo;
      const remote = new IsvCasesGuard(
        new IsvCasesTokenVerifier({ keys: createRemoteJwks(`http://127.0.0.1:${port}/jwks.json`), issuer: ISSUER, now: () => NOW }),
      );
      const { context, replyHeaders } = contextOf('isv-a', [`Bearer ${await casesToken()}`]);
      expect((await refusal(remote.canActivate(context))).code).toBe('ABUSE.ISV_KEYS_UNAVAILABLE');
      expect(replyHeaders['www-authenticate']).toBeUndefined();
    });
  });
});
