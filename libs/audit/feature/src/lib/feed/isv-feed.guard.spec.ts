import type { ExecutionContext } from '@nestjs/common';
import { AuditFeedError } from './audit-feed.errors';
import type { AuditFeedTokenVerifier, FeedReader } from './audit-feed-token.verifier';
import { IsvFeedGuard } from './isv-feed.guard';

/** A verifier that admits 'Bearer good' as isv-a and refuses everything else as the real one would. */
const verifier = {
  verify: async (headers: readonly string[]): Promise<FeedReader> => {
    if (headers.length === 0) throw new AuditFeedError('AUDIT.FEED_TOKEN_MISSING', 'missing');
    if (headers[0] === 'Bearer down') throw new AuditFeedError('AUDIT.FEED_KEYS_UNAVAILABLE', 'down');
    if (headers[0] !== 'Bearer good') throw new AuditFeedError('AUDIT.FEED_TOKEN_INVALID', 'invalid');
    return { isvId: 'isv-a', jti: 'feed-1' };
  },
} as AuditFeedTokenVerifier;

function contextOf(isvId: string, authorization: string[]) {
  const replyHeaders: Record<string, string> = {};
  const request = { params: { isvId }, raw: { rawHeaders: authorization.flatMap((v) => ['Authorization', v]) } } as Record<string, unknown>;
  const reply = { header: (name: string, value: string) => (replyHeaders[name] = value) };
  const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ExecutionContext;
  return { context, request, replyHeaders };
}

async function refusal(promise: Promise<unknown>): Promise<AuditFeedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AuditFeedError)) throw new Error('expected an AuditFeedError');
  return error;
}

describe(IsvFeedGuard.name, () => {
  const guard = new IsvFeedGuard(verifier);

  it('admits the token’s own ISV and hands the reader to the handler', async () => {
    const { context, request } = contextOf('isv-a', ['Bearer good']);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(request['auditFeedReader']).toEqual({ isvId: 'isv-a', jti: 'feed-1' });
  });

  it.each(['isv-b', 'ISV-A', 'isv-a '])('refuses the path %j of another ISV with FEED_FOREIGN_ISV', async (path) => {
    const { context, request } = contextOf(path, ['Bearer good']);
    expect((await refusal(guard.canActivate(context))).code).toBe('AUDIT.FEED_FOREIGN_ISV');
    expect(request['auditFeedReader']).toBeUndefined();
  });

  it('challenges a request without a token, and names invalid_token for a bad one', async () => {
    const missing = contextOf('isv-a', []);
    expect((await refusal(guard.canActivate(missing.context))).code).toBe('AUDIT.FEED_TOKEN_MISSING');
    expect(missing.replyHeaders['www-authenticate']).toBe('Bearer realm="latchkey-audit-feed"');
    const invalid = contextOf('isv-b', ['Bearer forged']);
    expect((await refusal(guard.canActivate(invalid.context))).code).toBe('AUDIT.FEED_TOKEN_INVALID');
    expect(invalid.replyHeaders['www-authenticate']).toBe('Bearer realm="latchkey-audit-feed", error="invalid_token"');
  });

  it('sends no challenge when it cannot check tokens (503)', async () => {
    const down = contextOf('isv-a', ['Bearer down']);
    expect((await refusal(guard.canActivate(down.context))).code).toBe('AUDIT.FEED_KEYS_UNAVAILABLE');
    expect(down.replyHeaders['www-authenticate']).toBeUndefined();
  });
});
