import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { LatchkeyError, type RbacAdminErrorCode } from '@latchkey/contracts';

/** Who called a service route: the break-glass operator key (any service), or one service with its own key. */
export type ServiceCaller = { readonly kind: 'operator' } | { readonly kind: 'service'; readonly service: string };

/** Kept off the request object's own fields. */
const callers = new WeakMap<object, ServiceCaller>();

/** Called by ServiceKeyGuard once the caller is authenticated. */
export function recordServiceCaller(request: object, caller: ServiceCaller): void {
  callers.set(request, caller);
}

/** The caller ServiceKeyGuard recorded for `request`, if any. */
export function serviceCallerOf(request: object): ServiceCaller | undefined {
  return callers.get(request);
}

/**
 * The authenticated caller of a service route. A handler reached without
 * the guard having recorded one (a wiring bug) is refused 401.
 */
export const ServiceCallerParam = createParamDecorator((_data: unknown, context: ExecutionContext): ServiceCaller => {
  const caller = serviceCallerOf(context.switchToHttp().getRequest<object>());
  if (caller === undefined) throw new LatchkeyError<RbacAdminErrorCode>('RBAC.ADMIN_UNAUTHENTICATED', 'The caller is not authenticated.');
  return caller;
});
