import { Body, Controller, Get, Header, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { RbacGuardError } from '@latchkey/access-guards';
import { zodBody } from '@latchkey/http';
import { ServiceRoutes } from '../operator-routes.decorator';
import { ServiceCallerParam, type ServiceCaller } from '../service-keys/service-caller';
import { parseRbacInput, ServiceName } from '../rbac-request.schema';
import { EndpointListBody } from './endpoint-request.schema';
import { RegisterEndpointsUseCase, type EndpointRegistration, type EndpointView } from './register-endpoints.use-case';

const ENDPOINT = '{ service, method, path, scope | null, permission | null, public, registeredAt }';
const INVALID = 'BadArgument (InvalidAdminRequest): an unknown field, or a missing or invalid one (the message names it, never its value)';

/**
 * The endpoint registry: every service declares, at start, each of its
 * endpoints with the scope and permission it requires, or that it is public.
 */
@ServiceRoutes('RBAC endpoint registry')
@Controller('rbac/v1/endpoints')
export class EndpointsController {
  constructor(private readonly registry: RegisterEndpointsUseCase) {}

  @Put(':service')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Replace a service’s endpoint list (idempotent); the permissions it names join the permission registry' })
  @ApiParam({ name: 'service', description: 'The service’s name, e.g. face-api.' })
  @ApiBody(zodBody(EndpointListBody))
  @ApiResponse({ status: 200, description: `{ service, endpoints: [${ENDPOINT}], permissionsAdded: [<resource:action>], changed }` })
  @ApiResponse({ status: 400, description: INVALID })
  @ApiResponse({ status: 403, description: 'Forbidden (PermissionMissing): a service key may replace only its own service’s list' })
  async register(
    @Param('service') service: string,
    @Body() body: unknown,
    @ServiceCallerParam() caller: ServiceCaller,
  ): Promise<EndpointRegistration> {
    const name = parseRbacInput(ServiceName, service, 'service');
    // The name is bound into the key: a service (or a thief of its key) cannot replace another's list.
    if (caller.kind === 'service' && caller.service !== name) {
      throw new RbacGuardError('RBAC.PERMISSION_DENIED', 'A service key may register only its own service’s endpoints.');
    }
    return this.registry.register(name, parseRbacInput(EndpointListBody, body, 'body'));
  }

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Every registered endpoint, by service, path and method' })
  @ApiResponse({ status: 200, description: `{ endpoints: [${ENDPOINT}] }` })
  @ApiResponse({ status: 403, description: 'Forbidden (PermissionMissing): the operator key only; no service needs the others’ lists' })
  async list(@ServiceCallerParam() caller: ServiceCaller): Promise<{ endpoints: EndpointView[] }> {
    if (caller.kind !== 'operator') throw new RbacGuardError('RBAC.PERMISSION_DENIED', 'Only the operator key lists every service’s endpoints.');
    return { endpoints: await this.registry.list() };
  }
}
