export { runService, handleShutdownSignals, processRuntime, waitUntilReady } from './lib/run-service';
export type { RunServiceOptions, ServiceRuntime, ShutdownSignal } from './lib/run-service';
export { createServiceApp, DEFAULT_BODY_LIMIT_BYTES } from './lib/create-service-app';
export type { CreateServiceAppOptions, ServiceHandle } from './lib/create-service-app';
export { ShutdownDeadlineError } from './lib/deadline';
export { HttpPlatformModule, type HttpPlatformOptions } from './lib/http-platform.module';
export { setupOpenApi, OPENAPI_JSON_PATH, OPENAPI_UI_PATH } from './lib/openapi';
export { zodBody } from './lib/openapi-body';
export { Public, IS_PUBLIC_KEY } from './lib/public.decorator';
export { AcceptsForm, acceptsForm, ACCEPTS_FORM_ROUTE_CONFIG_KEY } from './lib/accepts-form.decorator';
export {
  ReadinessRegistry,
  READINESS_CHECK_TIMEOUT_MS,
  DEFAULT_READINESS_CHECK_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessReport,
  type ReadinessResult,
} from './lib/health/readiness.registry';
export { HTTP_ERROR_CODES, isHttpErrorCode, type HttpErrorCode } from './lib/errors/http-error-codes';
export { ErrorMappingRegistry, type ErrorMappingTable, type ErrorWireMapping } from './lib/errors/error-mapping.registry';
export type { AzureErrorBody } from './lib/errors/azure-wire';
export type { OAuthErrorBody, OAuthErrorCode } from './lib/errors/oauth-wire';
export { WireFormat, wireFamilyOf, WIRE_FORMAT_KEY, OAUTH_ROUTE_PREFIX, type WireFamily } from './lib/errors/wire-format.decorator';
export { LatchkeyExceptionFilter } from './lib/errors/latchkey-exception.filter';
export { REDACTED_LOG_PATHS, httpLoggerOptions } from './lib/logging/http-logger.options';
export { loadSheddingConfig, type LoadSheddingConfig } from './lib/shedding/load-shedding.config';
export { LoadSheddingModule, LoadSheddingPolicy } from './lib/shedding/load-shedding.module';
export {
  deferLoadShedding,
  installLoadShedding,
  EVENT_LOOP_SAMPLE_MS,
  type DeferredLoadShedding,
  type LoadSheddingDeps,
} from './lib/shedding/install-load-shedding';
export { LoadShedder, type LoadShedderLimits, type ShedReason } from './lib/shedding/load-shedder';
export { nodeEventLoopMonitor, type EventLoopMonitor, type EventLoopSample } from './lib/shedding/event-loop-monitor';
export { shedResponse, SHED_INNER_CODE, type ShedResponse } from './lib/shedding/shed-response';
export { findDuplicateJsonKey } from './lib/duplicate-json-key';
export { hasNonUtf8Charset, mediaTypeOf } from './lib/content-type';
