import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { currentTraceparent } from '@latchkey/telemetry';
import type { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, loadServicePort, platformConfig, type Env } from '@latchkey/config';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { registerBodyParsers } from './body-parsers';
import { withDeadline } from './deadline';
import { answerClientError } from './errors/client-error-response';
import { sendWireError } from './errors/latchkey-exception.filter';
import { registerPlatformReadiness } from './health/platform-readiness';
import { ReadinessRegistry } from './health/readiness.registry';
import { HttpPlatformModule } from './http-platform.module';
import { setupOpenApi } from './openapi';
import { deferLoadShedding } from './shedding/install-load-shedding';
import { PlatformFastifyAdapter } from './platform-fastify-adapter';
import { checkRequestHeaders, NODE_SERVER_OPTIONS } from './request-headers';
import { LoadSheddingPolicy } from './shedding/load-shedding.module';
import { UnusedConnections } from './unused-connections';

/** Default request body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** While shutting down, connections that have become idle are closed this often. */
const IDLE_SWEEP_MS = 100;

export interface CreateServiceAppOptions {
  /** Service name (kebab-case): log `name`, OpenAPI title, default port variable. */
  readonly name: string;
  /** The service's module, e.g. `IssuerModule`. */
  readonly module: Type<unknown> | DynamicModule;
  /** Overrides LATCHKEY_HOST. */
  readonly host?: string;
  /** Overrides LATCHKEY_<SERVICE>_PORT; 0 picks a free port. */
  readonly port?: number;
  /** Where configuration is read from; the process environment by default. */
  readonly env?: Env;
  /** Where logs go; stdout by default. */
  readonly logStream?: DestinationStream;
  readonly bodyLimitBytes?: number;
  /** Overrides LATCHKEY_SHUTDOWN_TIMEOUT_MS for `close()`. */
  readonly shutdownTimeoutMs?: number;
  readonly readinessCheckTimeoutMs?: number;
}

/** A created, listening service app. */
export interface ServiceHandle {
  readonly name: string;
  readonly app: NestFastifyApplication;
  /** `http://<host>:<port>` with the actual port. */
  readonly url: string;
  readonly readiness: ReadinessRegistry;
  /**
   * Reports not-ready, then closes the app (Nest shutdown hooks, then the
   * server, letting in-flight requests finish) within the shutdown deadline.
   * Idempotent. Rejects with ShutdownDeadlineError when the deadline passes.
   */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Said for a URL Fastify could not decode; it does not repeat the URL. */
export const BAD_URL_MESSAGE = 'The request URL is not valid: a malformed percent-encoding, or a path segment too long.';

/**
 * Creates a service app and starts listening. It installs no signal handlers
 * and prints nothing: `runService` does that for a one-service process, and
 * the standalone process does it once for all the apps it creates.
 * @throws ConfigError when the platform or port configuration is invalid.
 */
export async function createServiceApp(options: CreateServiceAppOptions): Promise<ServiceHandle> {
  const config = loadConfig(platformConfig, options.env);
  const port = options.port ?? loadServicePort(options.name, options.env);
  const host = options.host ?? config.LATCHKEY_HOST;
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? config.LATCHKEY_SHUTDOWN_TIMEOUT_MS;

  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const adapter = new PlatformFastifyAdapter({
    bodyLimit,
    // Client addresses come from the socket; enabling X-Forwarded-* is a deployment decision.
    trustProxy: false,
    // Request ids (the `req.id` of every log line) are ours; a client-supplied id is never trusted.
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // A URL Fastify cannot route (`/sts/v1.0/%FF`, a path parameter over 100 characters) is refused before any route: in the platform's shape, and
    // without Fastify's default message, which repeats the URL.
    frameworkErrors: (_error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendWireError(request, reply, { kind: 'generic', code: 'HTTP.BAD_REQUEST', message: BAD_URL_MESSAGE }),
    // What Node refuses before any request exists (headers over 16 KiB, a malformed request line, a request timeout) is answered in
    // the platform's shape too, instead of Fastify's `{"error":"Bad Request","message":"Client Error","statusCode":400}`.
    clientErrorHandler: answerClientError,
    // Node answers an HTTP/1.1 request without Host with a bare 400 of its own; checkRequestHeaders refuses it in the platform's shape.
    http: NODE_SERVER_OPTIONS,
  });
  // Before the app is created, so these run ahead of Nest's middleware (request logging included): a refusal
  // from the shedding hook still names its request id, and costs no log line or middleware (deferLoadShedding).
  exposeRequestIdentity(adapter);
  // After the identity hook, so that its refusals name their request id too.
  checkRequestHeaders(adapter.getInstance());
  const shedding = deferLoadShedding(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(
    HttpPlatformModule.forService({
      name: options.name,
      module: options.module,
      logLevel: config.LOG_LEVEL,
      logStream: options.logStream,
      readinessCheckTimeoutMs: options.readinessCheckTimeoutMs,
    }),
    adapter,
    // abortOnError: false, so a failing module init rejects instead of aborting the process.
    // rawBody: the JSON and form parsers also keep the exact bytes as `request.rawBody`, for routes that verify a
    // signature over the body (the abuse detector's leaked-token intake); Nest's RawBodyRequest types it.
    { bufferLogs: true, abortOnError: false, rawBody: true },
  );
  try {
    app.useLogger(app.get(Logger));
    app.flushLogs();
    registerPlatformReadiness(app, app.get(ReadinessRegistry));
    const sheddingPolicy = sheddingPolicyOf(app);
    if (sheddingPolicy !== undefined) shedding.arm(sheddingPolicy.config);
    registerBodyParsers(app, bodyLimit);
    setupOpenApi(app, options.name);
    await app.listen({ port, host });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }

  const address = app.getHttpServer().address() as AddressInfo;
  const unusedConnections = new UnusedConnections(app.getHttpServer() as Server);
  const readiness = app.get(ReadinessRegistry);
  let closing: Promise<void> | undefined;
  return {
    name: options.name,
    app,
    url: `http://${urlHost(host)}:${address.port}`,
    readiness,
    close: () => {
      closing ??= (() => {
        readiness.markShuttingDown();
        const closed = app.close();
        // Node's server.close() ends only the connections idle at that moment. A keep-alive connection whose
        // request was still in flight (or an event stream ended by its shutdown hook) would then stay open for
        // Fastify's 72 s keep-alive timeout and hold the shutdown up; so keep closing the idle ones until done.
        const server = app.getHttpServer() as Server;
        // And Node 20's sweep skips connections that never sent a request (a preconnect): those are closed here.
        const sweeper = setInterval(() => {
          server.closeIdleConnections();
          unusedConnections.closeAll();
        }, IDLE_SWEEP_MS);
        return withDeadline(
          closed.finally(() => clearInterval(sweeper)),
          shutdownTimeoutMs,
          `closing ${options.name}`,
        );
      })();
      return closing;
    },
  };
}

/** The policy of a service module that imported LoadSheddingModule, if it did. */
function sheddingPolicyOf(app: NestFastifyApplication): LoadSheddingPolicy | undefined {
  // Asked of the module graph first: Nest's app.get of an unknown provider logs an error before it throws.
  const imported = [...app.get(ModulesContainer).values()].some((module) => module.providers.has(LoadSheddingPolicy));
  return imported ? app.get(LoadSheddingPolicy, { strict: false }) : undefined;
}

/**
 * Every answer names the request id of its log lines (`x-request-id`) and,
 * when tracing runs, its trace (`traceresponse`, W3C Trace Context level 2:
 * the server span as `00-<trace id>-<span id>-<flags>`): what a caller quotes
 * to an SRE, who finds the log line and the trace from it (docs/OPERATIONS.md).
 * Set when the request arrives, so refusals and errors carry them too. And
 * `X-Content-Type-Options: nosniff` on every answer: a JSON error that
 * repeats a caller's text is never sniffed into HTML by a browser.
 */
function exposeRequestIdentity(adapter: FastifyAdapter): void {
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
    const traceparent = currentTraceparent();
    if (traceparent !== undefined) void reply.header('traceresponse', traceparent);
    done();
  });
}
