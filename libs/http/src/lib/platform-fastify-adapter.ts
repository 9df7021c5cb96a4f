import 'reflect-metadata';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { RawServerDefault } from 'fastify';

/**
 * Nest's FastifyAdapter, except that a handler's Fastify route config
 * (`@RouteConfig()`, {@link AcceptsForm}, {@link WireFormat}) reaches an
 * `@All()` route too. Nest's `all()` registers the route with Fastify's `all`
 * shorthand and drops the config, which every other method passes on: the
 * gateway's `@AcceptsForm()` would silently not be there. The config is
 * merged in by an onRoute hook, which Fastify runs synchronously while the
 * route is added.
 */
export class PlatformFastifyAdapter extends FastifyAdapter {
  private pendingRouteConfig: object | undefined;

  constructor(options: ConstructorParameters<typeof FastifyAdapter<RawServerDefault>>[0]) {
    super(options);
    this.getInstance().addHook('onRoute', (route) => {
      if (this.pendingRouteConfig !== undefined) route.config = { ...route.config, ...this.pendingRouteConfig };
    });
  }

  override all(...args: unknown[]): unknown {
    const handler = args[args.length - 1];
    const config: unknown = typeof handler === 'function' ? Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) : undefined;
    this.pendingRouteConfig = typeof config === 'object' && config !== null ? config : undefined;
    try {
      return super.all(...args);
    } finally {
      this.pendingRouteConfig = undefined;
    }
  }
}
