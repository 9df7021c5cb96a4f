import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { isProbePath, SENSITIVE_QUERY_PARAMS } from './sensitive-request-parts';

/** The instrumentations every service runs. */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      // Header capture stays off entirely (no headersToSpanAttributes): the
      // Authorization, LimitedAccessToken and Ocp-Apim-Subscription-Key
      // headers carry credentials, and an allow-list is one edit from a leak.
      ignoreIncomingRequestHook: (request) => isProbePath(request.url),
      redactedQueryParamsServer: [...SENSITIVE_QUERY_PARAMS],
      redactedQueryParams: [...SENSITIVE_QUERY_PARAMS],
    }),
    new NestInstrumentation(),
    new KafkaJsInstrumentation(),
    // Statement text only: bound parameter values are never recorded.
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    // Logs stay JSON on stdout; the instrumentation only adds trace ids to them.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}
