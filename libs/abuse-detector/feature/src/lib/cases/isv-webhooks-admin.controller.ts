import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { WebhookRepository } from '@latchkey/abuse-detector/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { zodBody } from '@latchkey/http';
import { parseAdminInput } from '../admin/admin-request.schema';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { abuseCasesConfig } from './abuse-cases.config';
import { ISV_ID_API_PARAM, IsvIdParam, webhookBody, WebhookBody } from './case-request.schema';
import { CaseError } from './cases.errors';

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Where each ISV hears about its cases. Setting the webhook (again) makes
 * a new signing secret, shown in that answer only: give it to the ISV, who
 * verifies deliveries with it. Reading shows the URL, never the secret.
 * The ISV need not be known to the detector yet (it learns ISVs from their
 * tokens' events, and a webhook is set when the ISV is onboarded, before it
 * issues any): the id is checked for the issuer's form only.
 */
@AdminApi()
@Controller('admin/v1/isvs/:isvId/webhook')
export class IsvWebhooksAdminController {
  private readonly body: typeof WebhookBody;

  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
    @InjectConfig(abuseCasesConfig) config: ConfigOf<typeof abuseCasesConfig>,
  ) {
    this.body = webhookBody({ allowPrivateNetworks: config.LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS });
  }

  @Put()
  @AdminPermission('abuse.webhooks:write')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Set the ISV’s case webhook; answers a new signing secret, once' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiBody(zodBody(WebhookBody))
  @ApiResponse({ status: 200, description: '{ isvId, url, secret, updatedAt } — secret: Standard Webhooks whsec_…, shown only here' })
  @ApiResponse({
    status: 400,
    description:
      'BadArgument (InvalidAdminRequest): an ISV id not of the issuer’s form (lower-case); a URL not https, naming a loopback, private, link-local or other non-public host (unless LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS), or with credentials or a fragment',
  })
  async set(@Param('isvId') isvIdText: string, @Body() body: unknown, @Operator() operator: string) {
    const isvId = parseAdminInput(IsvIdParam, isvIdText, 'ISV id');
    const { url } = parseAdminInput(this.body, body, 'body');
    const updatedAt = this.now();
    const secret = newWebhookSecret();
    await this.webhooks.set({ isvId, url, secret, updatedAt, updatedBy: operator.slice(0, 128) });
    return { isvId, url, secret, updatedAt: updatedAt.toISOString() };
  }

  @Get()
  @AdminPermission('abuse.webhooks:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The ISV’s case webhook (without its secret)' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 200, description: '{ isvId, url, updatedAt, updatedBy }' })
  @ApiResponse({ status: 404, description: 'NotFound (WebhookNotFound)' })
  async get(@Param('isvId') isvIdText: string) {
    const webhook = await this.webhooks.of(parseAdminInput(IsvIdParam, isvIdText, 'ISV id'));
    if (webhook === undefined) throw new CaseError('ABUSE.WEBHOOK_NOT_FOUND', 'This ISV has no webhook.');
    return { isvId: webhook.isvId, url: webhook.url, updatedAt: webhook.updatedAt.toISOString(), updatedBy: webhook.updatedBy };
  }

  @Delete()
  @AdminPermission('abuse.webhooks:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the ISV’s case webhook; queued deliveries then fail' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 404, description: 'NotFound (WebhookNotFound)' })
  async remove(@Param('isvId') isvIdText: string): Promise<void> {
    if (!(await this.webhooks.remove(parseAdminInput(IsvIdParam, isvIdText, 'ISV id')))) {
      throw new CaseError('ABUSE.WEBHOOK_NOT_FOUND', 'This ISV has no webhook.');
    }
  }
}
