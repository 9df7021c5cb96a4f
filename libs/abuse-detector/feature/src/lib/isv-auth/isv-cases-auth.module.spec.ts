import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { createServiceApp, type ServiceHandle } from '@latchkey/http';
import { generateSigningKey, KeyRing, signAuditFeedToken, signIsvCasesToken, type SigningKey } from '@latchkey/tokens';
import { IsvCaller, type IsvCallerIdentity } from './isv-caller.decorator';
import { IsvCasesAuthModule } from './isv-cases-auth.module';
import { IsvCasesGuard } from './isv-cases.guard';

/** A route of the shape the cases API uses, in a module that imports IsvCasesAuthModule as the cases module will. */
@Controller('isv/v1/isvs/:isvId')
@UseGuards(IsvCasesGuard)
class ProbeController {
  @Get('probe')
  probe(@IsvCaller() caller: IsvCallerIdentity): IsvCallerIdentity {
    return caller;
  }
}

@Module({ imports: [IsvCasesAuthModule], controllers: [ProbeController] })
class ProbeModule {}

const ISSUER = 'https://issuer.cases.latchkey.test';

describe(IsvCasesAuthModule.name, () => {
  const environment = { ...process.env };
  let key: SigningKey;
  let jwks: Server;
  let handle: ServiceHandle;

  const call = (isvId: string, authorization?: string) =>
    handle.app.inject({ method: 'GET', url: `/isv/v1/isvs/${isvId}/probe`, headers: authorization === undefined ? {} : { authorization } });
  const innerCode = (body: string) => (JSON.parse(body) as { error: { innererror?: { code: string } } }).error.innererror?.code;

  beforeAll(async () => {
    key = await generateSigningKey('ES256');
    const published = JSON.stringify(new KeyRing([{ key, status: 'active' }]).publicJwks());
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(published));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      LATCHKEY_ABUSE_ISSUER: ISSUER,
      LATCHKEY_ABUSE_ISSUER_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    });
    const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
    handle = await createServiceApp({ name: 'abuse-detector', module: ProbeModule, host: '127.0.0.1', port: 0, logStream: silent });
  });

  afterAll(async () => {
    await handle?.close();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
    process.env = { ...environment };
  });

  it('admits a cases token of the issuer at its own ISV’s path and hands the handler the caller', async () => {
    const { token } = await signIsvCasesToken({ issuer: ISSUER, isvId: 'isv-a', now: new Date(), jti: 'cases-1' }, key);
    const answer = await call('isv-a', `Bearer ${token}`);
    expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 200, body: { isvId: 'isv-a', jti: 'cases-1' } });
  });

  it('answers the mapped wire errors: 401 with a challenge, 403 for another ISV', async () => {
    const cases = (await signIsvCasesToken({ issuer: ISSUER, isvId: 'isv-a', now: new Date() }, key)).token;
    const feed = (await signAuditFeedToken({ issuer: ISSUER, isvId: 'isv-a', now: new Date() }, key)).token;
    const missing = await call('isv-a');
    expect({ status: missing.statusCode, inner: innerCode(missing.body), challenge: missing.headers['www-authenticate'] }).toEqual({
      status: 401,
      inner: 'CasesTokenMissing',
      challenge: 'Bearer realm="latchkey-abuse-cases"',
    });
    const wrongType = await call('isv-a', `Bearer ${feed}`);
    expect({ status: wrongType.statusCode, inner: innerCode(wrongType.body) }).toEqual({ status: 401, inner: 'CasesTokenTypeInvalid' });
    const foreign = await call('isv-b', `Bearer ${cases}`);
    expect({ status: foreign.statusCode, inner: innerCode(foreign.body) }).toEqual({ status: 403, inner: 'CasesOfAnotherIsv' });
  });
});
