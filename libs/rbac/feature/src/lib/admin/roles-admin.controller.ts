import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { NoBody, parseRbacInput, RoleId } from '../rbac-request.schema';
import { CreatePermissionBody, CreateRoleBody, UpdateRoleBody } from './admin-request.schema';
import { RoleAdministration, type PermissionView, type RoleView } from './role-administration.use-case';

const ROLE = '{ id, description, permissions: [<resource:action>], includes: [<roleId>], createdAt }';
const PERMISSION = '{ id, description, registeredBy, createdAt }';
const INVALID = 'BadArgument (InvalidAdminRequest): an unknown field, or a missing or invalid one (the message names it, never its value)';
const ROLE_ID = { name: 'id', description: 'The role id, e.g. report-reader.' };

/**
 * Permissions (the registry) and roles (permissions plus included roles).
 * Each change is one `rbac.changed`, committed with it. Behind the RBAC
 * service's operator key.
 */
@AdminApi()
@Controller('admin/v1')
export class RolesAdminController {
  constructor(private readonly administration: RoleAdministration) {}

  @Get('permissions')
  @AdminPermission('rbac.policy:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Every registered permission' })
  @ApiResponse({ status: 200, description: `{ permissions: [${PERMISSION}] }` })
  async listPermissions(): Promise<{ permissions: PermissionView[] }> {
    return { permissions: await this.administration.listPermissions() };
  }

  @Post('permissions')
  @AdminPermission('rbac.policy:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Register a permission (resource:action)' })
  @ApiBody(zodBody(CreatePermissionBody))
  @ApiResponse({ status: 201, description: PERMISSION })
  @ApiResponse({ status: 400, description: INVALID })
  @ApiResponse({ status: 409, description: 'Conflict (PermissionExists)' })
  createPermission(@Body() body: unknown): Promise<PermissionView> {
    return this.administration.createPermission(parseRbacInput(CreatePermissionBody, body, 'body'));
  }

  @Get('roles')
  @AdminPermission('rbac.policy:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Every role with its permissions and the roles it includes' })
  @ApiResponse({ status: 200, description: `{ roles: [${ROLE}] }` })
  async listRoles(): Promise<{ roles: RoleView[] }> {
    return { roles: await this.administration.listRoles() };
  }

  @Post('roles')
  @AdminPermission('rbac.policy:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Create a role: registered permissions, and existing roles it includes (no cycle)' })
  @ApiBody(zodBody(CreateRoleBody))
  @ApiResponse({ status: 201, description: ROLE })
  @ApiResponse({ status: 400, description: `${INVALID}; BadArgument (PermissionNotRegistered)` })
  @ApiResponse({ status: 404, description: 'NotFound (RoleNotFound): an included role does not exist' })
  @ApiResponse({ status: 409, description: 'Conflict (RoleExists, RoleInclusionCycle, RoleHierarchyTooDeep)' })
  async createRole(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<RoleView> {
    const role = await this.administration.createRole(parseRbacInput(CreateRoleBody, body, 'body'));
    void reply.header('location', `/admin/v1/roles/${encodeURIComponent(role.id)}`);
    return role;
  }

  @Get('roles/:id')
  @AdminPermission('rbac.policy:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Read one role' })
  @ApiParam(ROLE_ID)
  @ApiResponse({ status: 200, description: ROLE })
  @ApiResponse({ status: 404, description: 'NotFound (RoleNotFound)' })
  getRole(@Param('id') id: string): Promise<RoleView> {
    return this.administration.getRole(parseRbacInput(RoleId, id, 'role id'));
  }

  @Patch('roles/:id')
  @AdminPermission('rbac.policy:write')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Change a role’s description, permissions or included roles; lists are replaced whole' })
  @ApiParam(ROLE_ID)
  @ApiBody(zodBody(UpdateRoleBody))
  @ApiResponse({ status: 200, description: ROLE })
  @ApiResponse({ status: 400, description: `${INVALID}; BadArgument (PermissionNotRegistered)` })
  @ApiResponse({ status: 404, description: 'NotFound (RoleNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (RoleInclusionCycle, RoleHierarchyTooDeep, LastPolicyAdministrator)' })
  updateRole(@Param('id') id: string, @Body() body: unknown): Promise<RoleView> {
    const roleId = parseRbacInput(RoleId, id, 'role id');
    return this.administration.updateRole(roleId, parseRbacInput(UpdateRoleBody, body, 'body'));
  }

  @Delete('roles/:id')
  @AdminPermission('rbac.policy:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a role and its assignments; refused while another role includes it, or when it leaves no administrator' })
  @ApiParam(ROLE_ID)
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiResponse({ status: 404, description: 'NotFound (RoleNotFound)' })
  @ApiResponse({ status: 409, description: 'Conflict (RoleStillIncluded, LastPolicyAdministrator)' })
  async deleteRole(@Param('id') id: string, @Body() body: unknown): Promise<void> {
    const roleId = parseRbacInput(RoleId, id, 'role id');
    parseRbacInput(NoBody, body, 'body');
    await this.administration.deleteRole(roleId);
  }
}
