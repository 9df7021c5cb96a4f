import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from '@latchkey/telemetry';
import { Public } from '../public.decorator';

/**
 * Prometheus scrape endpoint: the process's OpenTelemetry metrics in the text
 * format. Public like the probes (a scraper holds no credential, and no
 * metric carries a secret, an ISV id or anything else beyond bounded labels:
 * docs/OPERATIONS.md); untraced and not request-logged (PROBE_PATHS).
 */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  metrics(): Promise<string> {
    return renderPrometheusMetrics();
  }
}
