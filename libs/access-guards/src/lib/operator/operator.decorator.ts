import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { LatchkeyError } from '@latchkey/contracts';
import type { HttpErrorCode } from '@latchkey/http';

/** Who made an admin change, as the guard established it; kept off the request object's own fields. */
const operators = new WeakMap<object, string>();

/** Called by the admin guard once the caller is authenticated. */
export function recordOperator(request: object, actor: string): void {
  operators.set(request, actor);
}

/** The operator a guard recorded for `request`, if any. */
export function operatorOf(request: object): string | undefined {
  return operators.get(request);
}

/**
 * The authenticated operator, as the `actor` recorded with a change (e.g. on
 * `access.revocation`). The seam for the RBAC guard: it will record the
 * token's subject here, and the controllers stay as they are. A handler
 * reached without a guard having recorded anyone (a wiring bug) is refused
 * with a plain 401, not attributed to nobody.
 */
export const Operator = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const actor = operatorOf(context.switchToHttp().getRequest<object>());
  if (actor === undefined) throw new LatchkeyError<HttpErrorCode>('HTTP.UNAUTHORIZED', 'The operator is not authenticated.');
  return actor;
});
