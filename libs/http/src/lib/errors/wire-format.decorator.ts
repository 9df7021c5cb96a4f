import 'reflect-metadata';
import type { FastifyRequest } from 'fastify';
import { addRouteConfig, routeConfigValue } from '../route-config';

/** The two error wire families: Azure-style JSON, and RFC 6749 for OAuth endpoints. */
export type WireFamily = 'azure' | 'oauth';

/** Key of the wire family in Fastify's route config (readable even when body parsing fails). */
export const WIRE_FORMAT_ROUTE_CONFIG_KEY = 'latchkeyWireFormat';
/** Nest metadata key, for reflection by guards and interceptors. */
export const WIRE_FORMAT_KEY = 'latchkey:wireFormat';

/** Routes under this prefix answer errors in the OAuth family unless decorated otherwise. */
export const OAUTH_ROUTE_PREFIX = '/oauth2/';

function markHandler(handler: object, family: WireFamily, override: boolean): void {
  if (!override && Reflect.hasOwnMetadata(WIRE_FORMAT_KEY, handler)) return;
  Reflect.defineMetadata(WIRE_FORMAT_KEY, family, handler);
  addRouteConfig(handler, WIRE_FORMAT_ROUTE_CONFIG_KEY, family);
}

/**
 * Chooses the error wire family of a handler, or of every handler of a
 * controller (a handler's own decorator wins). The choice is stored in the
 * Fastify route config, because errors raised before Nest runs the handler
 * (malformed JSON, body too large) have no Nest context to reflect on.
 * Put it above any `@RouteConfig()` of the same handler, which replaces the
 * whole route config.
 */
export function WireFormat(family: WireFamily): ClassDecorator & MethodDecorator {
  const decorator = (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor): void => {
    if (descriptor !== undefined) {
      if (typeof descriptor.value === 'function') markHandler(descriptor.value, family, true);
      return;
    }
    if (typeof target !== 'function') return;
    const prototype: unknown = target.prototype;
    if (typeof prototype !== 'object' || prototype === null) return;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const value: unknown = Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (name !== 'constructor' && typeof value === 'function') markHandler(value, family, false);
    }
    Reflect.defineMetadata(WIRE_FORMAT_KEY, family, target);
  };
  return decorator as ClassDecorator & MethodDecorator;
}

/** The wire family of a request: its route's `@WireFormat`, else the `/oauth2/` prefix rule, else Azure. */
export function wireFamilyOf(request: Pick<FastifyRequest, 'url' | 'routeOptions'>): WireFamily {
  const family = routeConfigValue(request, WIRE_FORMAT_ROUTE_CONFIG_KEY);
  if (family === 'azure' || family === 'oauth') return family;
  return (request.url ?? '').startsWith(OAUTH_ROUTE_PREFIX) ? 'oauth' : 'azure';
}
