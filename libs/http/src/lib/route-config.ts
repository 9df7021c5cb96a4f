import 'reflect-metadata';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyRequest } from 'fastify';

/**
 * Adds one entry to the Fastify route config of a Nest handler, keeping the
 * entries other decorators put there (Nest's `@RouteConfig()` replaces the
 * whole config instead). The route config is what hooks and body parsers can
 * read before Nest runs anything for the request.
 */
export function addRouteConfig(handler: object, key: string, value: unknown): void {
  const config: unknown = Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler);
  Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...(typeof config === 'object' && config !== null ? config : {}), [key]: value }, handler);
}

/** The value of one entry of the request's route config, if its route has one. */
export function routeConfigValue(request: Pick<FastifyRequest, 'routeOptions'>, key: string): unknown {
  const config: unknown = request.routeOptions?.config;
  return typeof config === 'object' && config !== null && key in config ? (config as Record<string, unknown>)[key] : undefined;
}
