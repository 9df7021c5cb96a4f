import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LatchkeyError } from '@latchkey/contracts';
import { Public, type HttpErrorCode } from '@latchkey/http';
import { CONSOLE_HTML } from './assets/console-page.asset';
import { CONSOLE_SCRIPT } from './assets/console-script.asset';
import { CONSOLE_CSS } from './assets/console-style.asset';

/** chart.js's browser build, or undefined when it is not installed (provided by ConsoleModule). */
export const CHART_JS = Symbol('latchkey:console:chartJs');

/**
 * Only what this origin serves runs, nothing inline, nothing fetched elsewhere: the page shows attacker-influenced
 * text (alert explanations name IPs, user agents, URLs) and holds the operator key.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The security-operations console: one page, its script and styles, and
 * chart.js, all from this service (no CDN). Public: the files hold no data
 * and no secret; the page asks for the operator key and calls the admin API
 * with it, which is where access is checked.
 */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(@Inject(CHART_JS) private readonly chartJs: Buffer | undefined) {}

  @Get()
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CONSOLE_CSP)
  @Header('x-content-type-options', 'nosniff')
  @Header('x-frame-options', 'DENY')
  @Header('referrer-policy', 'no-referrer')
  @Header('cross-origin-opener-policy', 'same-origin')
  @Header('cache-control', 'no-cache')
  page(): string {
    return CONSOLE_HTML;
  }

  @Get('console.js')
  @Public()
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cross-origin-resource-policy', 'same-origin')
  @Header('cache-control', 'no-cache')
  script(): string {
    return CONSOLE_SCRIPT;
  }

  @Get('console.css')
  @Public()
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cross-origin-resource-policy', 'same-origin')
  @Header('cache-control', 'no-cache')
  styles(): string {
    return CONSOLE_CSS;
  }

  @Get('chart.umd.js')
  @Public()
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cross-origin-resource-policy', 'same-origin')
  @Header('cache-control', 'public, max-age=3600')
  chart(): Buffer {
    if (this.chartJs === undefined) throw new LatchkeyError<HttpErrorCode>('HTTP.NOT_FOUND', 'chart.js is not installed on this server.');
    return this.chartJs;
  }
}
