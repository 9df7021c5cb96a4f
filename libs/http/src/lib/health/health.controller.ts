import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../public.decorator';
import { ReadinessRegistry } from './readiness.registry';

/** Liveness and readiness probes: public, untraced, not request-logged, not in the OpenAPI document. */
@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** 200 as long as the process can answer. */
  @Get('healthz')
  @Header('cache-control', 'no-store')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when every readiness check passes; 503 naming the failing checks otherwise. */
  @Get('readyz')
  @Header('cache-control', 'no-store')
  async readinessProbe(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | object> {
    const report = await this.readiness.evaluate();
    const indicators = report.checks.map((check) => () => {
      const session = this.indicators.check(check.name);
      return check.ok ? session.up() : session.down({ reason: check.reason ?? 'failed' });
    });
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      const body = error.getResponse();
      return typeof body === 'string' ? { status: 'error', message: body } : body;
    }
  }
}
