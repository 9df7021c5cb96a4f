import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { ALERT_SEVERITY_ORDER, ALERT_STATUSES } from '@latchkey/abuse-detector/data-access';
import { zodBody } from '@latchkey/http';
import { AcknowledgeBody, AlertIdParam, DEFAULT_ALERT_LIMIT, ListAlertsQuery, MAX_ALERT_LIMIT, parseAdminInput } from './admin-request.schema';
import { AlertAdministration, type AlertView } from './alert-administration.use-case';

const ALERT_RESPONSE =
  '{ id, ruleId, severity, status, subject: { kind, id }, isvId, resourceId, count, evidenceEventIds, explanation, firstSeenAt, lastSeenAt, acknowledged: { by, at, reason } | null }';

/**
 * The operator's view of the alerts the rules raised: list them, most
 * recently seen first, and acknowledge an open one with a reason. Behind
 * the operator key like the issuer's and the audit's admin APIs.
 */
@AdminApi()
@Controller('admin/v1/alerts')
export class AlertsAdminController {
  constructor(private readonly alerts: AlertAdministration) {}

  @Get()
  @AdminPermission('abuse.alerts:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Alerts, most recently seen first, optionally filtered by status, severity, rule and ISV' })
  @ApiQuery({ name: 'status', required: false, enum: [...ALERT_STATUSES] })
  @ApiQuery({ name: 'severity', required: false, enum: [...ALERT_SEVERITY_ORDER] })
  @ApiQuery({ name: 'rule', required: false, description: 'A rule id, e.g. foreign-resource.' })
  @ApiQuery({ name: 'isvId', required: false, description: 'Alerts about this ISV.' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_ALERT_LIMIT}, default ${DEFAULT_ALERT_LIMIT}.` })
  @ApiResponse({ status: 200, description: `{ alerts: [${ALERT_RESPONSE}] }` })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): an unknown, repeated or invalid parameter' })
  async list(@Query() query: unknown): Promise<{ alerts: AlertView[] }> {
    const { status, severity, rule, isvId, limit } = parseAdminInput(ListAlertsQuery, query, 'query');
    return { alerts: await this.alerts.list({ status, severity, ruleId: rule, isvId, limit: limit ?? DEFAULT_ALERT_LIMIT }) };
  }

  @Post(':id/acknowledge')
  @AdminPermission('abuse.alerts:acknowledge')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Acknowledge an open alert, with a reason; the next finding of its rule and subject opens a new alert' })
  @ApiParam({ name: 'id', description: 'The alert id.' })
  @ApiBody(zodBody(AcknowledgeBody))
  @ApiResponse({ status: 200, description: ALERT_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): no reason, or one that is too long or looks like a credential' })
  @ApiResponse({ status: 404, description: 'NotFound (AlertNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (AlertNotOpen)' })
  acknowledge(@Param('id') id: string, @Body() body: unknown, @Operator() operator: string): Promise<AlertView> {
    const alertId = parseAdminInput(AlertIdParam, id, 'alert id');
    return this.alerts.acknowledge(alertId, parseAdminInput(AcknowledgeBody, body, 'body').reason, operator);
  }
}
