import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { ClientIdParam, CreateApplicationBody, NoBody, parseAdminInput, UpdateApplicationBody } from './admin-request.schema';
import {
  OAuthApplicationAdministration,
  type OAuthApplicationView,
  type OAuthApplicationWithSecret,
} from './oauth-application-administration.use-case';

const APPLICATION_RESPONSE =
  '{ clientId, displayName, enabled, scopes: { <scope>: [<resource:action>] }, tokenLifetimeSeconds, allowedTenantIds, allowedSourceAppIds, appOnlyPolicy: allow | deny, requireClientMatch, provisioning: create | link-only | deny, hasClientSecret, secretRotatedAt, createdAt, updatedAt }';
const CLIENT_ID = { name: 'clientId', description: 'The OAuth application’s client id.' };
const INVALID = 'BadArgument (InvalidAdminRequest): an unknown field, or a missing or invalid one (the message names it, never its value)';
const NOT_FOUND = 'NotFound (OAuthApplicationNotFound)';
const SCOPE_UNKNOWN =
  'BadArgument (ScopeNotDeclared): `scopes` allows a scope that no audience declares (an upstream API’s `scopes` in LATCHKEY_EXCHANGE_UPSTREAMS, or `latchkey.admin`), so no token could ever carry it; the message names the unknown scopes (unless long or credential-shaped) and the known ones';

/**
 * The exchange's OAuth applications (exchange issue, "OAuth applications
 * and identities"): what a `client_id` may be granted, from which tenants
 * and source apps, and how its people are provisioned. The client secret
 * (RFC 8693 client authentication) is in the answer of create and rotate
 * only, never cached and never shown again. Behind the exchange's operator key.
 */
@AdminApi()
@Controller('admin/v1/oauth-applications')
export class OAuthApplicationsAdminController {
  constructor(private readonly applications: OAuthApplicationAdministration) {}

  @Post()
  @AdminPermission('exchange.applications:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Register an OAuth application; its client secret is shown only in this answer' })
  @ApiBody(zodBody(CreateApplicationBody))
  @ApiResponse({ status: 201, description: `${APPLICATION_RESPONSE} plus clientSecret` })
  @ApiResponse({ status: 400, description: `${INVALID}; ${SCOPE_UNKNOWN}` })
  @ApiResponse({ status: 409, description: 'Conflict (OAuthApplicationExists)' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<OAuthApplicationWithSecret> {
    const app = await this.applications.create(parseAdminInput(CreateApplicationBody, body, 'body'));
    void reply.header('location', `/admin/v1/oauth-applications/${encodeURIComponent(app.clientId)}`);
    return app;
  }

  @Get()
  @AdminPermission('exchange.applications:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'List every OAuth application (never a secret)' })
  @ApiResponse({ status: 200, description: `{ applications: [${APPLICATION_RESPONSE}] }` })
  async list(): Promise<{ applications: OAuthApplicationView[] }> {
    return { applications: await this.applications.list() };
  }

  @Get(':clientId')
  @AdminPermission('exchange.applications:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Read one OAuth application (never its secret)' })
  @ApiParam(CLIENT_ID)
  @ApiResponse({ status: 200, description: APPLICATION_RESPONSE })
  @ApiResponse({ status: 400, description: INVALID })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  get(@Param('clientId') clientId: string): Promise<OAuthApplicationView> {
    return this.applications.get(parseAdminInput(ClientIdParam, clientId, 'client id'));
  }

  @Patch(':clientId')
  @AdminPermission('exchange.applications:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Change an application’s policies; lists and the scope map are replaced whole; effective on the next exchange' })
  @ApiParam(CLIENT_ID)
  @ApiBody(zodBody(UpdateApplicationBody))
  @ApiResponse({ status: 200, description: APPLICATION_RESPONSE })
  @ApiResponse({ status: 400, description: `${INVALID}; ${SCOPE_UNKNOWN} (checked only when the body changes \`scopes\`)` })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  update(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthApplicationView> {
    const id = parseAdminInput(ClientIdParam, clientId, 'client id');
    return this.applications.update(id, parseAdminInput(UpdateApplicationBody, body, 'body'));
  }

  @Post(':clientId/enable')
  @AdminPermission('exchange.applications:write')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Enable the application (idempotent); also how an operator reinstates one disabled by a revocation' })
  @ApiParam(CLIENT_ID)
  @ApiResponse({ status: 200, description: APPLICATION_RESPONSE })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  enable(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthApplicationView> {
    return this.setEnabled(clientId, body, true);
  }

  @Post(':clientId/disable')
  @AdminPermission('exchange.applications:write')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Disable the application (idempotent): exchanges for its client id are refused EXCHANGE.CLIENT_DISABLED' })
  @ApiParam(CLIENT_ID)
  @ApiResponse({ status: 200, description: APPLICATION_RESPONSE })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  disable(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthApplicationView> {
    return this.setEnabled(clientId, body, false);
  }

  @Post(':clientId/secret')
  @AdminPermission('exchange.applications:write')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Rotate the client secret: the new one is shown only in this answer, the old one stops working at once' })
  @ApiParam(CLIENT_ID)
  @ApiResponse({ status: 200, description: `${APPLICATION_RESPONSE} plus clientSecret` })
  @ApiResponse({ status: 404, description: NOT_FOUND })
  rotateSecret(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthApplicationWithSecret> {
    const id = parseAdminInput(ClientIdParam, clientId, 'client id');
    parseAdminInput(NoBody, body, 'body');
    return this.applications.rotateSecret(id);
  }

  private setEnabled(clientId: string, body: unknown, enabled: boolean): Promise<OAuthApplicationView> {
    const id = parseAdminInput(ClientIdParam, clientId, 'client id');
    parseAdminInput(NoBody, body, 'body');
    return this.applications.setEnabled(id, enabled);
  }
}
