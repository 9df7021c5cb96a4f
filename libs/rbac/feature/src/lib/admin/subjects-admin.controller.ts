import { Body, Controller, Delete, Get, Header, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { NoBody, parseRbacInput, RoleId, SubjectId, SubjectKindInput } from '../rbac-request.schema';
import { AssignmentQuery, DEFAULT_SUBJECT_LIMIT, ListSubjectsQuery, MAX_SUBJECT_LIMIT } from './admin-request.schema';
import { AssignmentAdministration, type AssignmentCommand, type AssignmentView, type SubjectView } from './assignment-administration.use-case';

const SUBJECT = '{ kind, id, tenantId, displayName, createdAt, assignments: [{ roleId, tenantId | null }] }';
const ASSIGNMENT = '{ subject: { kind, id }, roleId, tenantId | null }';
const INVALID = 'BadArgument (InvalidAdminRequest): an unknown, repeated or invalid parameter';
const ASSIGNMENT_ROUTE = 'subjects/:kind/:id/assignments/:roleId';
const PARAMS = [
  { name: 'kind', enum: SubjectKindInput.options },
  { name: 'id', description: 'A person id, an OAuth client id or an operator id.' },
  { name: 'roleId', description: 'The role.' },
] as const;
const TENANT_QUERY = {
  name: 'tenantId',
  required: false,
  description: 'An Entra tenant id: the assignment applies only there. Absent: every tenant.',
};

/**
 * Subjects and their role assignments, optionally per Entra tenant. Each
 * change is one `rbac.changed`, committed with it; it counts from the next
 * decision. Behind the RBAC service's operator key.
 */
@AdminApi()
@Controller('admin/v1')
export class SubjectsAdminController {
  constructor(private readonly administration: AssignmentAdministration) {}

  @Get('subjects')
  @AdminPermission('rbac.policy:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Subjects (people, OAuth applications, operators) with their assignments, by id' })
  @ApiQuery({ name: 'kind', required: false, enum: SubjectKindInput.options })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_SUBJECT_LIMIT}, default ${DEFAULT_SUBJECT_LIMIT}.` })
  @ApiResponse({ status: 200, description: `{ subjects: [${SUBJECT}] }` })
  @ApiResponse({ status: 400, description: INVALID })
  async list(@Query() query: unknown): Promise<{ subjects: SubjectView[] }> {
    const { kind, limit } = parseRbacInput(ListSubjectsQuery, query, 'query');
    return { subjects: await this.administration.listSubjects(kind, limit ?? DEFAULT_SUBJECT_LIMIT) };
  }

  @Put(ASSIGNMENT_ROUTE)
  @AdminPermission('rbac.policy:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Assign a role to a subject, in one tenant or every tenant (idempotent); an application is registered on first use' })
  @ApiParam(PARAMS[0])
  @ApiParam(PARAMS[1])
  @ApiParam(PARAMS[2])
  @ApiQuery(TENANT_QUERY)
  @ApiResponse({ status: 200, description: ASSIGNMENT })
  @ApiResponse({ status: 400, description: INVALID })
  @ApiResponse({ status: 404, description: 'NotFound (RoleNotFound, SubjectNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (SubjectKindMismatch)' })
  add(@Param() params: Record<string, string>, @Query() query: unknown, @Body() body: unknown): Promise<AssignmentView> {
    return this.administration.add(this.command(params, query, body));
  }

  @Delete(ASSIGNMENT_ROUTE)
  @AdminPermission('rbac.policy:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an assignment (the tenant must match how it was added)' })
  @ApiParam(PARAMS[0])
  @ApiParam(PARAMS[1])
  @ApiParam(PARAMS[2])
  @ApiQuery(TENANT_QUERY)
  @ApiResponse({ status: 204, description: 'Removed' })
  @ApiResponse({ status: 400, description: INVALID })
  @ApiResponse({ status: 404, description: 'NotFound (AssignmentNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (LastPolicyAdministrator): the last person holding rbac.policy:write in every tenant' })
  async remove(@Param() params: Record<string, string>, @Query() query: unknown, @Body() body: unknown): Promise<void> {
    await this.administration.remove(this.command(params, query, body));
  }

  private command(params: Record<string, string>, query: unknown, body: unknown): AssignmentCommand {
    const kind = parseRbacInput(SubjectKindInput, params['kind'], 'subject kind');
    const id = parseRbacInput(SubjectId, params['id'], 'subject id');
    const roleId = parseRbacInput(RoleId, params['roleId'], 'role id');
    const { tenantId } = parseRbacInput(AssignmentQuery, query, 'query');
    parseRbacInput(NoBody, body, 'body');
    return { subject: { kind, id }, roleId, tenantId };
  }
}
