import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { FEATURE_FLAGS } from '@latchkey/contracts';
import type { Isv } from '@latchkey/issuer/data-access';
import { zodBody } from '@latchkey/http';
import { CreateIsvBody, DpopRequiredBody, FeatureFlagParam, ISV_ID_API_PARAM, ISV_ID_PARAM, NoBody, parseAdminInput } from './admin-request.schema';
import { IsvAdministration } from './isv-administration.use-case';

/** An ISV as the admin API shows it: the fields an operator manages, nothing internal. */
export interface IsvView {
  readonly id: string;
  readonly displayName: string;
  readonly status: Isv['status'];
  readonly grantedFeatures: readonly string[];
  readonly resourceId: string | null;
  readonly dpopRequired: boolean;
  readonly createdAt: string;
}

function view(isv: Isv): IsvView {
  const { id, displayName, status, grantedFeatures, resourceId, dpopRequired, createdAt } = isv;
  return { id, displayName, status, grantedFeatures, resourceId, dpopRequired, createdAt: createdAt.toISOString() };
}

const ISV_RESPONSE = '{ id, displayName, status: pending | approved | suspended, grantedFeatures, resourceId, dpopRequired, createdAt }';

/**
 * The operator's side of ISVs (issuer issue, "Operator admin API"): create,
 * read, approve and unapprove, grant and revoke feature flags. A flag is a
 * sub-resource of the ISV, so granting is an idempotent PUT and revoking a
 * DELETE. Changes take effect on this instance's next issuance.
 */
@AdminApi()
@Controller('admin/v1/isvs')
export class IsvAdminController {
  constructor(private readonly isvs: IsvAdministration) {}

  @Post()
  @AdminPermission('issuer.isvs:write')
  @ApiOperation({ summary: 'Register an ISV; it starts pending, with no feature flags and no keys' })
  @ApiBody(zodBody(CreateIsvBody))
  @ApiResponse({ status: 201, description: ISV_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  @ApiResponse({ status: 409, description: 'Conflict (IsvAlreadyExists)' })
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<IsvView> {
    const isv = await this.isvs.create(parseAdminInput(CreateIsvBody, body, 'body'));
    void reply.header('location', `/admin/v1/isvs/${encodeURIComponent(isv.id)}`);
    return view(isv);
  }

  @Get()
  @AdminPermission('issuer.isvs:read')
  @ApiOperation({ summary: 'List every ISV' })
  @ApiResponse({ status: 200, description: `{ isvs: [${ISV_RESPONSE}] }` })
  async list(): Promise<{ isvs: IsvView[] }> {
    return { isvs: (await this.isvs.list()).map(view) };
  }

  @Get(':isvId')
  @AdminPermission('issuer.isvs:read')
  @ApiOperation({ summary: 'Read one ISV' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async get(@Param('isvId', ISV_ID_PARAM) isvId: string): Promise<IsvView> {
    return view(await this.isvs.get(isvId));
  }

  @Post(':isvId/approve')
  @AdminPermission('issuer.isvs:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve the ISV: it may issue tokens with its granted flags' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async approve(@Param('isvId', ISV_ID_PARAM) isvId: string, @Body() body: unknown): Promise<IsvView> {
    parseAdminInput(NoBody, body, 'body');
    return view(await this.isvs.approve(isvId));
  }

  @Post(':isvId/unapprove')
  @AdminPermission('issuer.isvs:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to pending: the ISV may no longer issue (its tokens stay valid; revoke the issuing right for that)' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async unapprove(@Param('isvId', ISV_ID_PARAM) isvId: string, @Body() body: unknown): Promise<IsvView> {
    parseAdminInput(NoBody, body, 'body');
    return view(await this.isvs.unapprove(isvId));
  }

  @Put(':isvId/features/:flag')
  @AdminPermission('issuer.features:grant')
  @ApiOperation({ summary: 'Grant a feature flag (idempotent)' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiParam({ name: 'flag', enum: [...FEATURE_FLAGS] })
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): an unknown flag' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async grant(@Param('isvId', ISV_ID_PARAM) isvId: string, @Param('flag') flag: string, @Body() body: unknown): Promise<IsvView> {
    const feature = parseAdminInput(FeatureFlagParam, flag, 'feature flag');
    parseAdminInput(NoBody, body, 'body');
    return view(await this.isvs.grant(isvId, feature));
  }

  @Delete(':isvId/features/:flag')
  @AdminPermission('issuer.features:grant')
  @ApiOperation({ summary: 'Revoke a feature flag (idempotent); tokens already issued keep it until they expire' })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiParam({ name: 'flag', enum: [...FEATURE_FLAGS] })
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): an unknown flag' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async revokeFeature(@Param('isvId', ISV_ID_PARAM) isvId: string, @Param('flag') flag: string): Promise<IsvView> {
    return view(await this.isvs.revokeFeature(isvId, parseAdminInput(FeatureFlagParam, flag, 'feature flag')));
  }

  @Put(':isvId/dpop-required')
  @AdminPermission('issuer.isvs:write')
  @ApiOperation({
    summary: 'Require (or stop requiring) a DPoP proof with every issuance: the ISV then issues only sender-constrained tokens (cnf.jkt)',
  })
  @ApiParam(ISV_ID_API_PARAM)
  @ApiBody(zodBody(DpopRequiredBody))
  @ApiResponse({ status: 200, description: ISV_RESPONSE })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  @ApiResponse({ status: 404, description: 'NotFound (IsvNotFound)' })
  async requireDpop(@Param('isvId', ISV_ID_PARAM) isvId: string, @Body() body: unknown): Promise<IsvView> {
    return view(await this.isvs.requireDpop(isvId, parseAdminInput(DpopRequiredBody, body, 'body').required));
  }
}
