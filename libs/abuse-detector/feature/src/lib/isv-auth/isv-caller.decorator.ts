import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IsvTokenBearer } from '@latchkey/access-guards';
import { LatchkeyError } from '@latchkey/contracts';
import type { HttpErrorCode } from '@latchkey/http';

/** The ISV calling the cases API, as its verified cases token says: its id (the token's `sub`) and the token's `jti`, for logs. */
export type IsvCallerIdentity = IsvTokenBearer;

/** Callers the guard admitted, by request; kept off the request object's own fields. */
const callers = new WeakMap<object, IsvCallerIdentity>();

/** Called by IsvCasesGuard once the caller's token verified and matched the path. */
export function recordIsvCaller(request: object, caller: IsvCallerIdentity): void {
  callers.set(request, caller);
}

/**
 * The verified ISV caller (`{ isvId, jti }`) of a route behind
 * IsvCasesGuard; its `isvId` equals the `:isvId` path parameter. A handler
 * reached without the guard having admitted anyone (a wiring bug) is refused
 * with a plain 401, never served as nobody.
 */
export const IsvCaller = createParamDecorator((_data: unknown, context: ExecutionContext): IsvCallerIdentity => {
  const caller = callers.get(context.switchToHttp().getRequest<object>());
  if (caller === undefined) throw new LatchkeyError<HttpErrorCode>('HTTP.UNAUTHORIZED', 'The ISV is not authenticated.');
  return caller;
});
