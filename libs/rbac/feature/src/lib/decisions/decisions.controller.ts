import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { zodBody } from '@latchkey/http';
import { ServiceRoutes } from '../operator-routes.decorator';
import { PolicyEngine, type Decision } from '../policy/policy-engine';
import { parseRbacInput } from '../rbac-request.schema';
import { DecisionBody } from './decision-request.schema';

/**
 * The decision API: may this subject use this permission (in this tenant)?
 * Always 200 with allow or deny and the reason; deny by default.
 */
@ServiceRoutes('RBAC decisions')
@Controller('rbac/v1/decisions')
export class DecisionsController {
  constructor(private readonly engine: PolicyEngine) {}

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Decide whether a subject holds a permission, optionally in one Entra tenant' })
  @ApiBody(zodBody(DecisionBody))
  @ApiResponse({
    status: 200,
    description:
      '{ decision: allow | deny, reason: granted-by-role:<roleId> | no-role-grants | unknown-permission | unknown-subject, policyVersion }',
  })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): an unknown field, or a missing or invalid one' })
  decide(@Body() body: unknown): Promise<Decision> {
    const { subject, permission, tenantId } = parseRbacInput(DecisionBody, body, 'body');
    return this.engine.decide({ subject, permission, tenantId });
  }
}
