import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { WebhookRepository } from '@latchkey/abuse-detector/data-access';
import { zodBody } from '@latchkey/http';
import { parseAdminInput } from '../admin/admin-request.schema';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { IsvIdParam, WebhookBody } from './case-request.schema';
import { CaseError } from './cases.errors';

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Where each ISV hears about its cases. Setting the webhook (again) makes
 * a new signing secret, shown in that answer only: give it to the ISV, who
 * verifies deliveries with it. Reading shows the URL, never the secret.
 */
@AdminApi()
@Controller('admin/v1/isvs/:isvId/webhook')
export class IsvWebhooksAdminController {
  constructor(
    private readonly webhooks: WebhookRepository,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  @Put()
  @AdminPermission('abuse.webhooks:write')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Set the ISV’s case webhook; answers a new signing secret, once' })
  @ApiParam({ name: 'isvId' })
  @ApiBody(zodBody(WebhookBody))
  @ApiResponse({ status: 200, description: '{ isvId, url, secret, updatedAt } — secret: Standard Webhooks whsec_…, shown only here' })
  @ApiResponse({
    status: 400,
    description: 'BadArgument (InvalidAdminRequest): not https (http only to localhost), credentials or a fragment in the URL',
  })
  async set(@Param('isvId') isvIdText: string, @Body() body: unknown, @Operator() operator: string) {
    const isvId = parseAdminInput(IsvIdParam, isvIdText, 'ISV id');
    const { url } = parseAdminInput(WebhookBody, body, 'body');
    const updatedAt = this.now();
    const secret = newWebhookSecret();
    await this.webhooks.set({ isvId, url, secret, updatedAt, updatedBy: operator.slice(0, 128) });
    return { isvId, url, secret, updatedAt: updatedAt.toISOString() };
  }

  @Get()
  @AdminPermission('abuse.webhooks:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The ISV’s case webhook (without its secret)' })
  @ApiParam({ name: 'isvId' })
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
  @ApiParam({ name: 'isvId' })
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 404, description: 'NotFound (WebhookNotFound)' })
  async remove(@Param('isvId') isvIdText: string): Promise<void> {
    if (!(await this.webhooks.remove(parseAdminInput(IsvIdParam, isvIdText, 'ISV id')))) {
      throw new CaseError('ABUSE.WEBHOOK_NOT_FOUND', 'This ISV has no webhook.');
    }
  }
}
