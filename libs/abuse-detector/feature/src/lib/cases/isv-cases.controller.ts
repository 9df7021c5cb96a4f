import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CaseRepository } from '@latchkey/abuse-detector/data-access';
import { CASE_STATUSES } from '@latchkey/contracts';
import { Public, zodBody } from '@latchkey/http';
import { IsvCaller, type IsvCallerIdentity } from '../isv-auth/isv-caller.decorator';
import { IsvCasesGuard } from '../isv-auth/isv-cases.guard';
import { CaseIdParam, DEFAULT_CASE_LIMIT, IsvAnswerBody, IsvListCasesQuery, MAX_CASE_LIMIT, parseCaseInput } from './case-request.schema';
import { CASE_RESPONSE, caseView, type CaseView } from './case-view';
import { CaseWorkflow } from './case-workflow';
import { CaseError } from './cases.errors';

const AUTH_REFUSALS = [
  { status: 401, description: 'Unauthorized (CasesTokenMissing, CasesTokenInvalid, CasesTokenExpired, CasesTokenTypeInvalid): no valid cases token' },
  { status: 403, description: 'Forbidden (CasesOfAnotherIsv): a cases token of another ISV' },
  { status: 503, description: 'ServiceUnavailable (IssuerKeysUnavailable): the issuer’s keys are out of reach; retry' },
] as const;

/**
 * The ISV's side of its cases: list and read them, acknowledge one (the
 * deadline stops), or block the client (revoked at once; the case ends).
 * Authenticated by a cases token from the issuer (IsvCasesGuard: its `sub`
 * is the path's ISV); not behind the operator key, hence `@Public()` for the
 * platform's default guard. Another ISV's case is "not found".
 */
@Public()
@ApiTags('isv-cases')
@ApiBearerAuth()
@UseGuards(IsvCasesGuard)
@Controller('isv/v1/isvs/:isvId/cases')
export class IsvCasesController {
  constructor(
    private readonly cases: CaseRepository,
    private readonly workflow: CaseWorkflow,
  ) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The ISV’s cases, most recently changed first' })
  @ApiParam({ name: 'isvId' })
  @ApiQuery({ name: 'status', required: false, enum: [...CASE_STATUSES] })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_CASE_LIMIT}, default ${DEFAULT_CASE_LIMIT}.` })
  @ApiResponse({ status: 200, description: `{ cases: [${CASE_RESPONSE}] }` })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidCaseRequest)' })
  @ApiResponse(AUTH_REFUSALS[0])
  @ApiResponse(AUTH_REFUSALS[1])
  @ApiResponse(AUTH_REFUSALS[2])
  async list(@IsvCaller() caller: IsvCallerIdentity, @Query() query: unknown): Promise<{ cases: CaseView[] }> {
    const { status, limit } = parseCaseInput(IsvListCasesQuery, query, 'query');
    return { cases: (await this.cases.list({ status, isvId: caller.isvId, limit: limit ?? DEFAULT_CASE_LIMIT })).map(caseView) };
  }

  @Get(':caseId')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One of the ISV’s cases, with its history' })
  @ApiParam({ name: 'isvId' })
  @ApiParam({ name: 'caseId' })
  @ApiResponse({ status: 200, description: CASE_RESPONSE })
  @ApiResponse({ status: 404, description: 'NotFound (CaseNotFound): no such case, or another ISV’s' })
  async get(@IsvCaller() caller: IsvCallerIdentity, @Param('caseId') caseIdText: string): Promise<CaseView> {
    const found = await this.cases.get(parseCaseInput(CaseIdParam, caseIdText, 'case id'));
    if (found === undefined || found.isvId !== caller.isvId) throw new CaseError('ABUSE.CASE_NOT_FOUND', 'No such case.');
    return caseView(found);
  }

  @Post(':caseId/acknowledge')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Acknowledge the case: the ISV is acting on it, the deadline stops (a further alert reopens it)' })
  @ApiParam({ name: 'isvId' })
  @ApiParam({ name: 'caseId' })
  @ApiBody(zodBody(IsvAnswerBody))
  @ApiResponse({ status: 200, description: CASE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidCaseRequest): no note, or one that is too long or looks like a credential' })
  @ApiResponse({ status: 404, description: 'NotFound (CaseNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (CaseEnded)' })
  async acknowledge(@IsvCaller() caller: IsvCallerIdentity, @Param('caseId') caseIdText: string, @Body() body: unknown): Promise<CaseView> {
    const caseId = parseCaseInput(CaseIdParam, caseIdText, 'case id');
    const { note } = parseCaseInput(IsvAnswerBody, body, 'body');
    return caseView(await this.workflow.acknowledge(caller.isvId, caseId, note));
  }

  @Post(':caseId/block-client')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Block the case’s client: it is revoked at once (its tokens refused, no new ones issued); the case ends' })
  @ApiParam({ name: 'isvId' })
  @ApiParam({ name: 'caseId' })
  @ApiBody(zodBody(IsvAnswerBody))
  @ApiResponse({ status: 200, description: CASE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidCaseRequest)' })
  @ApiResponse({ status: 404, description: 'NotFound (CaseNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (CaseEnded)' })
  async blockClient(@IsvCaller() caller: IsvCallerIdentity, @Param('caseId') caseIdText: string, @Body() body: unknown): Promise<CaseView> {
    const caseId = parseCaseInput(CaseIdParam, caseIdText, 'case id');
    const { note } = parseCaseInput(IsvAnswerBody, body, 'body');
    return caseView(await this.workflow.blockClient(caller.isvId, caseId, note));
  }
}
