import { Body, Controller, Get, Header, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { rbacCallerOf, RequirePermission, RequireScope, type RbacCaller } from '@latchkey/access-guards';
import { LatchkeyError } from '@latchkey/contracts';
import { AcceptsForm } from '@latchkey/http';
import { TestapiForm, type TestapiFormFields } from './testapi-form.schema';

/** What the sample API answers: who called (never the token) and what they sent. */
export interface TestapiAnswer {
  /** The exchange's person id; null for an application's own token. */
  readonly personId: string | null;
  readonly subject: { readonly kind: string; readonly id: string };
  readonly clientId: string;
  readonly tenantId: string;
  readonly scopes: readonly string[];
  readonly method: 'GET' | 'POST';
  /** The parsed form (POST) or query (GET). */
  readonly fields: TestapiFormFields;
}

const ANSWER = '{ personId, subject: { kind, id }, clientId, tenantId, scopes, method, fields }';
const REFUSALS = '401 AccessToken*, 403 ScopeMissing / PermissionMissing, 503 AuthorizationUnavailable / SigningKeysUnavailable';

/**
 * The `testapi` endpoint of the identity-governance example, the sample API
 * behind the exchange's gateway (`/api/services/v1/testapi`): it takes only
 * the exchange's internal access tokens, and each method declares the scope
 * the OAuth application must have granted and the permission the caller
 * must hold at the rbac service.
 */
@ApiTags('testapi')
@ApiBearerAuth()
@Controller('testapi')
export class TestapiController {
  @Get()
  @Header('cache-control', 'no-store')
  @RequireScope('testapi.read')
  @RequirePermission('testapi:read')
  @ApiOperation({ summary: 'Echoes the caller and the query (scope testapi.read, permission testapi:read)' })
  @ApiResponse({ status: 200, description: ANSWER })
  @ApiResponse({ status: 403, description: REFUSALS })
  read(@Req() request: FastifyRequest, @Query() query: unknown): TestapiAnswer {
    return answer(request, 'GET', parseFields(query));
  }

  @Post()
  @AcceptsForm()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireScope('testapi.write')
  @RequirePermission('testapi:write')
  @ApiOperation({ summary: 'Echoes the caller and the form it posted (scope testapi.write, permission testapi:write)' })
  @ApiResponse({ status: 200, description: ANSWER })
  @ApiResponse({ status: 400, description: 'BadArgument: the body is not a bounded application/x-www-form-urlencoded form' })
  @ApiResponse({ status: 403, description: REFUSALS })
  write(@Req() request: FastifyRequest, @Body() body: unknown): TestapiAnswer {
    return answer(request, 'POST', parseFields(body));
  }
}

function parseFields(input: unknown): TestapiFormFields {
  const parsed = TestapiForm.safeParse(input ?? {});
  if (!parsed.success) throw new LatchkeyError('HTTP.BAD_REQUEST', 'Send a form (application/x-www-form-urlencoded) of at most 64 short fields.');
  // Copied onto a plain object: the parsed form has no prototype, and the answer is serialised as given.
  return { ...parsed.data };
}

function answer(request: FastifyRequest, method: 'GET' | 'POST', fields: TestapiFormFields): TestapiAnswer {
  const caller: RbacCaller | undefined = rbacCallerOf(request);
  // RbacGuard records the caller of every request it admits; none here is a wiring bug, never a pass.
  if (caller === undefined) throw new Error('TestapiController reached without RbacGuard');
  return {
    personId: caller.subject.kind === 'person' ? caller.subject.id : null,
    subject: { kind: caller.subject.kind, id: caller.subject.id },
    clientId: caller.clientId,
    tenantId: caller.tenantId,
    scopes: caller.scopes,
    method,
    fields,
  };
}
