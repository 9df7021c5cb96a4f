import type { InternalAccessTokenClaims } from '@latchkey/contracts';
import type { RbacSubject } from './rbac-subject';

/** The caller RbacGuard admitted: who, with which application and scopes. Never the token. */
export interface RbacCaller {
  readonly subject: RbacSubject;
  readonly clientId: string;
  readonly tenantId: string;
  readonly scopes: readonly string[];
  readonly jti: string;
  readonly claims: InternalAccessTokenClaims;
}

/** Kept off the request object's own fields, like the operator of an admin call. */
const callers = new WeakMap<object, RbacCaller>();

/** Called by RbacGuard once a request passed. */
export function recordRbacCaller(request: object, caller: RbacCaller): void {
  callers.set(request, caller);
}

/** The caller RbacGuard admitted for `request`, if it ran. */
export function rbacCallerOf(request: object): RbacCaller | undefined {
  return callers.get(request);
}
