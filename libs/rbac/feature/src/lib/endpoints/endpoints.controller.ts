import { Body, Controller, Get, Header, Param, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import { zodBody } from '@latchkey/http';
import { ServiceRoutes } from '../operator-routes.decorator';
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
  register(@Param('service') service: string, @Body() body: unknown): Promise<EndpointRegistration> {
    const name = parseRbacInput(ServiceName, service, 'service');
    return this.registry.register(name, parseRbacInput(EndpointListBody, body, 'body'));
  }

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Every registered endpoint, by service, path and method' })
  @ApiResponse({ status: 200, description: `{ endpoints: [${ENDPOINT}] }` })
  async list(): Promise<{ endpoints: EndpointView[] }> {
    return { endpoints: await this.registry.list() };
  }
}
