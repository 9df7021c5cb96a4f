import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LogLevel } from '@latchkey/config';
import { activeTraceIds, isProbePath, isSensitiveQueryParam, redactUrl } from '@latchkey/telemetry';
import { stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';

/**
 * Log paths whose values are replaced by `[Redacted]`: credential headers,
 * and credential-named fields at the top level or one level down (pino's
 * `*` matches one level; log ids, never objects holding secrets deeper).
 */
export const REDACTED_LOG_PATHS: readonly string[] = Object.freeze([
  'req.headers.authorization',
  'req.headers.limitedaccesstoken',
  // A DPoP proof is a signed JWT: with the bound token it can be replayed at another replica within its minute.
  'req.headers.dpop',
  'req.headers["ocp-apim-subscription-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['token', 'key', 'secret', 'password', 'client_secret', 'subject_token', 'actor_token', 'access_token', 'refresh_token', 'assertion'].flatMap(
    (field) => [field, `*.${field}`],
  ),
]);

export const REDACTED = '[Redacted]';

/**
 * Request headers whose values are logged; every other header is logged by name with its value censored. The
 * credential paths above name the headers the platform reads, but a caller can put a token under any name (a
 * misspelt `Limited_Access_Token`, `X-Api-Key`), and a log must never hold one: hence an allow-list, not a deny-list.
 */
export const LOGGED_HEADER_VALUES: ReadonlySet<string> = new Set([
  'host',
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-type',
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'cache-control',
  'pragma',
  'origin',
  'traceparent',
  'tracestate',
  'x-request-id',
  'x-ms-client-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
]);

interface SerializedRequest {
  url?: unknown;
  query?: unknown;
  headers?: unknown;
}

function redactRequest(req: SerializedRequest): SerializedRequest {
  if (typeof req.url === 'string') req.url = redactUrl(req.url, REDACTED);
  // A new object: the serialized request's `headers` is the live request's own.
  if (typeof req.headers === 'object' && req.headers !== null) {
    req.headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, LOGGED_HEADER_VALUES.has(name.toLowerCase()) ? value : REDACTED]),
    );
  }
  if (typeof req.query === 'object' && req.query !== null) {
    req.query = Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, isSensitiveQueryParam(name) ? REDACTED : value]));
  }
  return req;
}

export interface HttpLoggerSettings {
  /** Service name, the `name` field of every line. */
  readonly name: string;
  readonly level: LogLevel;
}

/**
 * pino-http options of every service: JSON lines with `name`, ISO `time`,
 * textual `level`, `trace_id`/`span_id` of the active span, credentials
 * redacted, probe requests not logged.
 */
export function httpLoggerOptions(settings: HttpLoggerSettings): Options {
  return {
    name: settings.name,
    level: settings.level,
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => ({ ...activeTraceIds() }),
    redact: { paths: [...REDACTED_LOG_PATHS], censor: REDACTED },
    serializers: { req: redactRequest },
    // Nest's middleware engine rewrites req.url relative to the mount path; originalUrl is the request's.
    autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => isProbePath(req.originalUrl ?? req.url) },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error !== undefined || res.statusCode >= 500 ? 'error' : 'info'),
  };
}
