import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission, Operator } from '@latchkey/access-guards';
import { CaseRepository, WebhookRepository } from '@latchkey/abuse-detector/data-access';
import { CASE_STATUSES } from '@latchkey/contracts';
import { zodBody } from '@latchkey/http';
import { parseAdminInput } from '../admin/admin-request.schema';
import { CaseIdParam, CloseCaseBody, DEFAULT_CASE_LIMIT, ListCasesQuery, MAX_CASE_LIMIT } from './case-request.schema';
import { CASE_RESPONSE, caseView, deliveryView, type CaseView } from './case-view';
import { CaseWorkflow } from './case-workflow';
import { CaseError } from './cases.errors';

/**
 * The operator's view of the cases: list them (open ones with their
 * deadlines first in the console), read one with its webhook deliveries,
 * close one with a reason. Behind the operator key.
 */
@AdminApi()
@Controller('admin/v1/cases')
export class CasesAdminController {
  constructor(
    private readonly cases: CaseRepository,
    private readonly webhooks: WebhookRepository,
    private readonly workflow: CaseWorkflow,
  ) {}

  @Get()
  @AdminPermission('abuse.cases:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Cases, most recently changed first' })
  @ApiQuery({ name: 'status', required: false, enum: [...CASE_STATUSES] })
  @ApiQuery({ name: 'isvId', required: false })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_CASE_LIMIT}, default ${DEFAULT_CASE_LIMIT}.` })
  @ApiResponse({ status: 200, description: `{ cases: [${CASE_RESPONSE}] }` })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): an unknown, repeated or invalid parameter' })
  async list(@Query() query: unknown): Promise<{ cases: CaseView[] }> {
    const { status, isvId, limit } = parseAdminInput(ListCasesQuery, query, 'query');
    return { cases: (await this.cases.list({ status, isvId, limit: limit ?? DEFAULT_CASE_LIMIT })).map(caseView) };
  }

  @Get(':id')
  @AdminPermission('abuse.cases:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One case, with its history and the webhook deliveries announcing it' })
  @ApiParam({ name: 'id', description: 'The case id.' })
  @ApiResponse({ status: 200, description: `${CASE_RESPONSE} + { deliveries: [{ id, status, attempts, lastError, createdAt, deliveredAt }] }` })
  @ApiResponse({ status: 404, description: 'NotFound (CaseNotFound)' })
  async get(@Param('id') id: string) {
    const found = await this.cases.get(parseAdminInput(CaseIdParam, id, 'case id'));
    if (found === undefined) throw new CaseError('ABUSE.CASE_NOT_FOUND', 'No such case.');
    return { ...caseView(found), deliveries: (await this.webhooks.forCase(found.id)).map(deliveryView) };
  }

  @Post(':id/close')
  @AdminPermission('abuse.cases:close')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Close a case that has not ended, with a reason (resolved, or a false positive); the ISV is told' })
  @ApiParam({ name: 'id', description: 'The case id.' })
  @ApiBody(zodBody(CloseCaseBody))
  @ApiResponse({ status: 200, description: CASE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  @ApiResponse({ status: 404, description: 'NotFound (CaseNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (CaseEnded)' })
  async close(@Param('id') id: string, @Body() body: unknown, @Operator() operator: string): Promise<CaseView> {
    const caseId = parseAdminInput(CaseIdParam, id, 'case id');
    const { reason } = parseAdminInput(CloseCaseBody, body, 'body');
    return caseView(await this.workflow.close(caseId, operator.slice(0, 128), reason));
  }
}
