import { Module, RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { LogLevel } from '@latchkey/config';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { ErrorMappingRegistry } from './errors/error-mapping.registry';
import { LatchkeyExceptionFilter } from './errors/latchkey-exception.filter';
import { HealthController } from './health/health.controller';
import { DEFAULT_READINESS_CHECK_TIMEOUT_MS, READINESS_CHECK_TIMEOUT_MS, ReadinessRegistry } from './health/readiness.registry';
import { httpLoggerOptions } from './logging/http-logger.options';
import { MetricsController } from './metrics/metrics.controller';

export interface HttpPlatformOptions {
  /** Service name: log `name`, OpenAPI title. */
  readonly name: string;
  /** The service's own module (e.g. `IssuerModule`). */
  readonly module: Type<unknown> | DynamicModule;
  readonly logLevel: LogLevel;
  /** Where logs go; stdout by default (tests pass a memory stream). */
  readonly logStream?: DestinationStream;
  readonly readinessCheckTimeoutMs?: number;
}

/**
 * The root module of every service app: logging, health, the error filter,
 * and the service module inside. Global, so any module of the service can
 * inject `ReadinessRegistry` and `ErrorMappingRegistry`.
 */
@Module({})
export class HttpPlatformModule {
  static forService(options: HttpPlatformOptions): DynamicModule {
    const pinoOptions = httpLoggerOptions({ name: options.name, level: options.logLevel });
    return {
      module: HttpPlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.logStream === undefined ? pinoOptions : [pinoOptions, options.logStream],
          // Nest 11 path syntax; the legacy '*' logs a deprecation warning.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
        // Readiness transitions are logged by ReadinessRegistry; terminus would log every failed probe.
        TerminusModule.forRoot({ logger: false }),
        options.module,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ReadinessRegistry,
        ErrorMappingRegistry,
        {
          provide: READINESS_CHECK_TIMEOUT_MS,
          useValue: options.readinessCheckTimeoutMs ?? DEFAULT_READINESS_CHECK_TIMEOUT_MS,
        },
        { provide: APP_FILTER, useClass: LatchkeyExceptionFilter },
      ],
      exports: [ReadinessRegistry, ErrorMappingRegistry],
    };
  }
}
