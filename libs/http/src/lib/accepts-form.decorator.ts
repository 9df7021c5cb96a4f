import type { FastifyRequest } from 'fastify';
import { addRouteConfig, routeConfigValue } from './route-config';

/** Key of the form opt-in in Fastify's route config (read by the form parser, before any Nest code runs). */
export const ACCEPTS_FORM_ROUTE_CONFIG_KEY = 'latchkeyAcceptsForm';

/**
 * Lets a route read `application/x-www-form-urlencoded` bodies. Only routes
 * documented to take forms carry it (the vendor's empty-form `issueToken`,
 * RFC 6749's token endpoint, the gateway that forwards forms, the sample API
 * behind it); on every other route the platform answers a form 415 "Invalid
 * Media Type.", as for any media type the route does not read. A form's
 * repeated field becomes an array, so a form on a JSON route would get
 * around the JSON parser's refusal of a repeated key.
 *
 * The route also takes an empty body under a JSON content type as no body,
 * whatever its method (body-parsers.ts). Put it above any `@RouteConfig()`
 * of the same handler, which replaces the whole route config.
 */
export function AcceptsForm(): MethodDecorator {
  return (_target, _key, descriptor) => {
    if (typeof descriptor.value === 'function') addRouteConfig(descriptor.value, ACCEPTS_FORM_ROUTE_CONFIG_KEY, true);
  };
}

/** Whether the request's route is marked {@link AcceptsForm}. */
export function acceptsForm(request: Pick<FastifyRequest, 'routeOptions'>): boolean {
  return routeConfigValue(request, ACCEPTS_FORM_ROUTE_CONFIG_KEY) === true;
}
