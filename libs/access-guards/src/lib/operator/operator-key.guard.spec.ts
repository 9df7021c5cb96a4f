import type { ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LatchkeyError } from '@latchkey/contracts';
import { OperatorCredential } from './operator-credential';
import { OPERATOR_KEY_ACTOR, OperatorKeyGuard } from './operator-key.guard';
import type { OperatorKeyOptions } from './operator-key.options';
import { operatorOf } from './operator.decorator';

const KEY = 'lk_op_' + 'k'.repeat(43);
const CODES = { unauthenticated: 'SVC.ADMIN_UNAUTHENTICATED', invalid: 'SVC.ADMIN_CREDENTIAL_INVALID', disabled: 'SVC.ADMIN_API_DISABLED' };
const CHALLENGE = 'Bearer realm="latchkey-some-service-admin"';

/** A request as Fastify hands it over: `headers` keeps the first Authorization, `rawHeaders` all of them. */
function request(...authorization: string[]): FastifyRequest {
  const rawHeaders = authorization.flatMap((value) => ['Authorization', value]);
  return { headers: authorization.length > 0 ? { authorization: authorization[0] } : {}, raw: { rawHeaders } } as unknown as FastifyRequest;
}

function contextFor(req: FastifyRequest): { context: ExecutionContext; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  const reply = { header: (name: string, value: string) => headers.set(name, value) } as unknown as FastifyReply;
  const context = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ExecutionContext;
  return { context, headers };
}

async function guardWith(configured: string | undefined): Promise<OperatorKeyGuard> {
  const options: OperatorKeyOptions = { service: 'some-service', variable: 'LATCHKEY_SOME_SERVICE_OPERATOR_KEY', configured, codes: CODES };
  const credential = new OperatorCredential(options);
  await credential.onModuleInit();
  return new OperatorKeyGuard(credential, options);
}

/** The code the guard refused with, or 'allowed'. */
function outcome(guard: OperatorKeyGuard, req: FastifyRequest): { result: string; challenge: string | undefined } {
  const { context, headers } = contextFor(req);
  try {
    guard.canActivate(context);
    return { result: 'allowed', challenge: headers.get('www-authenticate') };
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    expect(error.message).not.toContain(KEY.slice(6, 20)); // never echoes a key
    return { result: error.code, challenge: headers.get('www-authenticate') };
  }
}

describe(OperatorKeyGuard.name, () => {
  const environment = { ...process.env };

  // A PostgreSQL deployment: nothing is generated on disk, the key comes from configuration or not at all.
  beforeAll(() => {
    process.env['DATABASE_URL'] = 'postgres://unused.invalid/latchkey';
  });

  afterAll(() => {
    process.env = environment;
  });

  it('lets the exact key through and records the operator for @Operator()', async () => {
    const req = request(`Bearer ${KEY}`);
    expect(outcome(await guardWith(KEY), req)).toEqual({ result: 'allowed', challenge: undefined });
    expect(operatorOf(req)).toBe(OPERATOR_KEY_ACTOR);
  });

  it('accepts the scheme in any case (RFC 7235: schemes are case-insensitive)', async () => {
    expect(outcome(await guardWith(KEY), request(`bearer ${KEY}`)).result).toBe('allowed');
  });

  it("refuses a request without Authorization with the service's unauthenticated code and a Bearer challenge naming the service", async () => {
    const req = request();
    expect(outcome(await guardWith(KEY), req)).toEqual({ result: CODES.unauthenticated, challenge: CHALLENGE });
    expect(operatorOf(req)).toBeUndefined();
  });

  it.each([
    ['another scheme', `Basic ${KEY}`],
    ['no key', 'Bearer'],
    ['no space', `Bearer${KEY}`],
    ['two spaces', `Bearer  ${KEY}`],
    ['a tab', `Bearer\t${KEY}`],
    ['trailing text', `Bearer ${KEY} extra`],
    ['characters outside a bearer token', `Bearer ${KEY},x`],
    ['the bare key', KEY],
  ])('refuses a malformed header (%s) as unauthenticated', async (_case, header) => {
    expect(outcome(await guardWith(KEY), request(header)).result).toBe(CODES.unauthenticated);
  });

  it('refuses two Authorization headers even when both hold the key', async () => {
    expect(outcome(await guardWith(KEY), request(`Bearer ${KEY}`, `Bearer ${KEY}`)).result).toBe(CODES.unauthenticated);
  });

  it.each([
    ['another key', 'lk_op_' + 'x'.repeat(43)],
    ['a prefix of the key', KEY.slice(0, -1)],
    ['the key with more after it', `${KEY}a`],
    ['the key in other case', KEY.toUpperCase()],
  ])("refuses %s with the service's invalid-credential code", async (_case, presented) => {
    expect(outcome(await guardWith(KEY), request(`Bearer ${presented}`))).toEqual({ result: CODES.invalid, challenge: CHALLENGE });
  });

  it('fails closed with the disabled code when no operator key is configured on PostgreSQL, whatever is presented', async () => {
    const guard = await guardWith(undefined);
    expect(outcome(guard, request(`Bearer ${KEY}`)).result).toBe(CODES.disabled);
    expect(outcome(guard, request()).result).toBe(CODES.disabled);
  });
});
