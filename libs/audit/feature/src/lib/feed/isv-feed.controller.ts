import { Controller, Get, Header, Param, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DEFAULT_FEED_PAGE_SIZE, parseIsvFeedQuery } from './isv-feed-query';
import { IsvFeedGuard } from './isv-feed.guard';
import { ReadIsvFeedUseCase, type IsvFeedPage } from './read-isv-feed.use-case';

/**
 * The ISV transparency feed: an ISV reads the issuance, use and denial
 * events of its own delegations, with a five-minute token the issuer gave
 * it for its subscription key (`POST /isv/v1/audit-feed-token`).
 */
@ApiTags('ISV transparency feed')
@ApiBearerAuth()
@Controller('isv/v1/isvs/:isvId')
@UseGuards(IsvFeedGuard)
export class IsvFeedController {
  constructor(private readonly feed: ReadIsvFeedUseCase) {}

  @Get('audit-events')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The ISV’s own lat.issued, lat.issue-denied, lat.used, lat.rejected and access.revocation events, oldest first' })
  @ApiParam({ name: 'isvId', description: 'The ISV the token was issued for (its `sub`).' })
  @ApiQuery({
    name: 'type',
    required: false,
    description: 'Comma-separated: lat.issued, lat.issue-denied, lat.used, lat.rejected, access.revocation.',
  })
  @ApiQuery({ name: 'resourceId', required: false, description: 'One client resource (case-insensitive).' })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601; events at or after.' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601; events before.' })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'limit', required: false, description: `1-1000, default ${DEFAULT_FEED_PAGE_SIZE}.` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The `next` of the previous page.' })
  @ApiResponse({ status: 200, description: '{ isvId, items: [{ id, type, time, data }], next }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidFeedQuery)' })
  @ApiResponse({
    status: 401,
    description: 'Unauthorized (FeedTokenMissing, FeedTokenInvalid, FeedTokenExpired, FeedTokenTypeInvalid), with WWW-Authenticate',
  })
  @ApiResponse({ status: 403, description: 'Forbidden (FeedOfAnotherIsv)' })
  @ApiResponse({ status: 503, description: 'ServiceUnavailable (IssuerKeysUnavailable)' })
  events(@Param('isvId') isvId: string, @Query() query: unknown, @Req() request: FastifyRequest): Promise<IsvFeedPage> {
    // The guard admitted the token's own ISV only; read by the verified `sub`, which equals the path.
    const reader = request.auditFeedReader;
    if (reader === undefined || reader.isvId !== isvId) throw new Error('IsvFeedController reached without IsvFeedGuard');
    return this.feed.execute(reader.isvId, parseIsvFeedQuery(query));
  }
}
