import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { AdminApi, AdminPermission } from '@latchkey/access-guards';
import { IsvActivityRepository, MAX_ACTIVITY_MINUTES } from '@latchkey/abuse-detector/data-access';
import { parseAdminInput } from '../admin/admin-request.schema';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { ActivityQuery, DEFAULT_ACTIVITY_MINUTES, IsvIdParam } from './console-request.schema';

/** One minute of an ISV's activity on the wire. */
export interface ActivityPointView {
  readonly minute: string;
  readonly issued: number;
  readonly used: number;
  readonly rejected: number;
}

/** An ISV's activity per minute (tokens issued, uses served, uses refused), for the console's charts. */
@AdminApi()
@Controller('admin/v1/isvs')
export class IsvActivityController {
  constructor(
    private readonly activity: IsvActivityRepository,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  @Get(':isvId/activity')
  @AdminPermission('abuse.alerts:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "An ISV's tokens issued, uses served and uses refused per minute, up to now, oldest first, quiet minutes as zeros" })
  @ApiParam({ name: 'isvId', description: 'The ISV.' })
  @ApiQuery({ name: 'minutes', required: false, description: `1-${MAX_ACTIVITY_MINUTES}, default ${DEFAULT_ACTIVITY_MINUTES}.` })
  @ApiResponse({ status: 200, description: '{ isvId, points: [{ minute, issued, used, rejected }] }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest)' })
  async series(@Param('isvId') isvIdParam: string, @Query() query: unknown): Promise<{ isvId: string; points: ActivityPointView[] }> {
    const isvId = parseAdminInput(IsvIdParam, isvIdParam, 'ISV id');
    const minutes = parseAdminInput(ActivityQuery, query, 'query').minutes ?? DEFAULT_ACTIVITY_MINUTES;
    const to = this.now();
    const from = new Date(to.getTime() - (minutes - 1) * 60_000);
    const points = await this.activity.series(isvId, from, to);
    return { isvId, points: points.map((p) => ({ minute: p.minute.toISOString(), issued: p.issued, used: p.used, rejected: p.rejected })) };
  }
}
