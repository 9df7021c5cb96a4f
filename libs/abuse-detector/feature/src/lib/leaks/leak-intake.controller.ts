import { Controller, Header, HttpCode, Inject, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { mediaTypeOf, Public } from '@latchkey/http';
import { LeakIntakeError } from './leak-intake.errors';
import { MAX_REPORT_BYTES, MAX_REPORTED_TOKENS, parseLeakReport } from './leak-report.schema';
import { REPORTER_KEYS } from './leak-intake.tokens';
import { KEY_ID_HEADER, SIGNATURE_HEADER, verifyReportSignature } from './report-signature';
import type { ReporterKeys } from './reporter-keys';
import { ReportLeakedTokensUseCase, type LeakFeedback } from './report-leaked-tokens.use-case';

/**
 * `POST /abuse/v1/leaked-tokens`: the secret scanning partner endpoint.
 * Public (no operator key): a report is authenticated by its signature
 * alone, over the exact bytes received, against the reporter's configured
 * public keys; only then is its body read.
 */
@ApiTags('Abuse')
@Controller('abuse/v1')
export class LeakIntakeController {
  constructor(
    @Inject(REPORTER_KEYS) private readonly keys: ReporterKeys,
    private readonly reports: ReportLeakedTokensUseCase,
  ) {}

  @Post('leaked-tokens')
  @Public()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: `Report leaked tokens (secret scanning partner format: [{ token, type, url, source }], at most ${MAX_REPORTED_TOKENS}); our tokens are revoked`,
  })
  @ApiHeader({ name: KEY_ID_HEADER, required: true, description: 'The reporter key that signed the body' })
  @ApiHeader({ name: SIGNATURE_HEADER, required: true, description: 'ECDSA P-256 / SHA-256 signature of the raw body, DER, base64' })
  @ApiResponse({ status: 200, description: '[{ token_hash (SHA-256, hex), token_type, label: true_positive | false_positive }], in report order' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidLeakReport)' })
  @ApiResponse({
    status: 401,
    description: 'Unauthorized (LeakReportSignatureMissing, LeakReportSignatureInvalid, LeakReporterKeyUnknown, LeakIntakeDisabled)',
  })
  @ApiResponse({ status: 413, description: 'BadArgument (LeakReportTooLarge)' })
  @ApiResponse({ status: 503, description: 'ServiceUnavailable (LeakVerificationUnavailable): retry later' })
  async report(@Req() request: RawBodyRequest<FastifyRequest>): Promise<LeakFeedback[]> {
    const raw = request.rawBody;
    // The media type, not a missing rawBody: the platform keeps the bytes of a plain-text body too (the gateway
    // forwards them), and a report that is not JSON is refused before its signature is looked at, as before.
    if (raw === undefined || mediaTypeOf(request.headers['content-type']) !== 'application/json') {
      throw new LeakIntakeError('ABUSE.LEAK_REPORT_INVALID', 'The report must be a JSON body (application/json).');
    }
    if (raw.length > MAX_REPORT_BYTES) {
      throw new LeakIntakeError('ABUSE.LEAK_REPORT_TOO_LARGE', `The report exceeds ${MAX_REPORT_BYTES} bytes; send its tokens in several reports.`);
    }
    const keyId = await verifyReportSignature(raw, request.headers, this.keys);
    return this.reports.execute(parseLeakReport(request.body), keyId);
  }
}
