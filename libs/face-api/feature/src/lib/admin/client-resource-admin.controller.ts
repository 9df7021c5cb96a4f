import { Body, Controller, Delete, Get, Header, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { CreateClientResourceBody, NoBody, parseAdminInput, pathOfResource, resourceIdInPath } from './admin-request.schema';
import { ClientResourceAdministration, type ClientResourceView, type IssuedClientKey } from './client-resource-administration.use-case';
import { FaceAdminError } from './face-admin.errors';

const RESOURCE_RESPONSE = '{ resourceId, displayName, createdAt }';

/**
 * A resource is addressed by its id as the rest of the path, ARM-style
 * (`…/client-resources/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.CognitiveServices/accounts/<name>`),
 * or URL-encoded into one segment. A wildcard route, because a resource id
 * is longer than the router allows one path parameter to be.
 */
const RESOURCE_PATH = {
  name: 'path', // how the OpenAPI document names the wildcard
  description:
    'The client’s Face resource id as the rest of the path (`subscriptions/<guid>/resourceGroups/…/accounts/<name>`), any case; rotate: followed by `/key`.',
};

/** POST on a resource's own path rotates its key: `…/accounts/<name>/key`. */
const KEY_SUFFIX = '/key';

/**
 * The operator's side of client resources (face-api issue, "admin API to add
 * them"): create (the key is shown once), read, rotate the key, delete.
 * Behind the admin guard (an operator's token or the break-glass key), like the issuer's admin API.
 */
@AdminApi()
@Controller('admin/v1/client-resources')
export class ClientResourceAdminController {
  constructor(private readonly resources: ClientResourceAdministration) {}

  @Post()
  @AdminPermission('face-api.client-resources:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Register a client resource; its subscription key is shown only in this answer' })
  @ApiBody(zodBody(CreateClientResourceBody))
  @ApiResponse({ status: 201, description: '{ resourceId, displayName, createdAt, subscriptionKey }, `Location`' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  @ApiResponse({ status: 409, description: 'Conflict (ClientResourceAlreadyExists)' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<ClientResourceView & IssuedClientKey> {
    const created = await this.resources.create(parseAdminInput(CreateClientResourceBody, body, 'body'));
    void reply.header('location', pathOfResource(created.resourceId));
    return created;
  }

  @Get()
  @AdminPermission('face-api.client-resources:read')
  @ApiOperation({ summary: 'List every client resource (never their keys)' })
  @ApiResponse({ status: 200, description: `{ clientResources: [${RESOURCE_RESPONSE}] }` })
  async list(): Promise<{ clientResources: ClientResourceView[] }> {
    return { clientResources: await this.resources.list() };
  }

  @Get('*')
  @AdminPermission('face-api.client-resources:read')
  @ApiOperation({ summary: 'Read one client resource' })
  @ApiParam(RESOURCE_PATH)
  @ApiResponse({ status: 200, description: RESOURCE_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): not a Face resource id' })
  @ApiResponse({ status: 404, description: 'NotFound (ClientResourceNotFound)' })
  get(@Param('*') path: string): Promise<ClientResourceView> {
    return this.resources.view(resourceIdInPath(path));
  }

  @Post('*')
  @AdminPermission('face-api.client-resources:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Rotate the resource’s key (`…/accounts/<name>/key`): the new key is shown only in this answer; the previous one stops working',
  })
  @ApiParam(RESOURCE_PATH)
  @ApiResponse({ status: 201, description: '{ resourceId, subscriptionKey }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  @ApiResponse({ status: 404, description: 'NotFound (ClientResourceNotFound)' })
  rotateKey(@Param('*') path: string, @Body() body: unknown): Promise<IssuedClientKey> {
    if (!path.endsWith(KEY_SUFFIX)) throw new FaceAdminError('FACE.ADMIN_REQUEST_INVALID', 'POST to a resource’s /key to rotate its key.');
    const resourceId = resourceIdInPath(path.slice(0, -KEY_SUFFIX.length));
    parseAdminInput(NoBody, body, 'body');
    return this.resources.rotateKey(resourceId);
  }

  @Delete('*')
  @AdminPermission('face-api.client-resources:write')
  @ApiOperation({ summary: 'Remove a client resource: its key stops working' })
  @ApiParam(RESOURCE_PATH)
  @ApiResponse({ status: 200, description: '{ resourceId }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): not a Face resource id' })
  @ApiResponse({ status: 404, description: 'NotFound (ClientResourceNotFound)' })
  delete(@Param('*') path: string): Promise<{ resourceId: string }> {
    return this.resources.delete(resourceIdInPath(path));
  }
}
