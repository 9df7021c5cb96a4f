import { Controller, Get, Header, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminApi, AdminGuard, AdminPermission } from '@latchkey/access-guards';
import type { AdminPermissionId } from '@latchkey/contracts';
import { AlertIdParam, parseAdminInput } from '../admin/admin-request.schema';
import { AlertAdministration, type AlertView } from '../admin/alert-administration.use-case';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { AlertFeed } from './alert-feed';
import { AlertStreamQuery } from './console-request.schema';
import { sseComment, sseEvent, sseRetry } from './sse';
import { StreamAuthorization, type StreamEndReason } from './stream-authorization';

/** A comment this often keeps proxies and idle-connection timers from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** Open alerts a stream starts with. */
const SNAPSHOT_LIMIT = 500;
/** What the stream needs, at connection and at every re-check. */
const STREAM_PERMISSION = 'abuse.alerts:read' satisfies AdminPermissionId;

/**
 * The console's view of alerts beyond the list: a live stream of new and
 * changed alerts (server-sent events), and one alert with all its evidence.
 * Behind the operator key like the rest of the admin API. The stream is
 * authorized at connection by the guard and then kept honest by
 * StreamAuthorization: it ends (`event: end` with the reason) at the
 * token's expiry, when a re-check through the same guard refuses, or after
 * its maximum lifetime; the console reconnects, through the guard again.
 */
@AdminApi()
@Controller('admin/v1/alerts')
export class ConsoleAlertsController {
  constructor(
    private readonly feed: AlertFeed,
    private readonly alerts: AlertAdministration,
    private readonly guard: AdminGuard,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  @Get('stream')
  @AdminPermission(STREAM_PERMISSION)
  @ApiOperation({
    summary:
      'Live alerts (text/event-stream): first every open alert, then each new or changed alert, as `event: alert` with the JSON of the list; a comment every 15 s; ' +
      '`event: end` with `{ reason }` when the server ends it (the credential expired or was revoked, the permission was removed, 15 min passed, shutdown)',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'event: alert / data: { id, ruleId, severity, status, subject, isvId, resourceId, count, … }' })
  @ApiResponse({ status: 400, description: 'BadArgument (InvalidAdminRequest): the stream takes no parameter' })
  async stream(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: unknown): Promise<void> {
    // Like every admin route: unknown parameters are refused, before the stream starts (a 400, not an event).
    parseAdminInput(AlertStreamQuery, query, 'query');
    // The guard has run; from here on the response is ours to write (Fastify leaves a hijacked reply alone).
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Tells a buffering reverse proxy (nginx) to pass events through as they come.
      'x-accel-buffering': 'no',
    });
    let ended = false;
    const write = (chunk: string): void => {
      if (!ended) raw.write(chunk);
    };
    // Changes that arrive while the snapshot is read wait behind it, so the client never sees an older state last.
    let queued: AlertView[] | undefined = [];
    const send = (alert: AlertView): void => (queued ? void queued.push(alert) : write(sseEvent('alert', alert)));
    let stopWatching: () => void = () => undefined;
    const heartbeat = setInterval(() => write(sseComment('heartbeat')), HEARTBEAT_MS);
    const authorization = new StreamAuthorization(
      { expiresAt: this.guard.expiresAt(request), recheck: async () => (await this.guard.recheck(request, STREAM_PERMISSION))?.code },
      (reason) => end(reason),
      { now: this.now },
    );
    /** Ends the stream once; a reason (the server's decision) is told to the client first, a client gone is not written to. */
    const end = (reason?: StreamEndReason): void => {
      if (ended) return;
      if (reason !== undefined) write(sseEvent('end', { reason }));
      ended = true;
      clearInterval(heartbeat);
      authorization.stop();
      stopWatching();
      raw.end();
    };
    // The client went away (closed the page, aborted the fetch): stop watching.
    request.raw.on('close', () => end());
    raw.on('close', () => end());
    write(sseRetry(2000) + sseComment('alerts'));
    authorization.start();
    try {
      stopWatching = await this.feed.watch({ onAlert: send, onClose: () => end('shutdown') });
      if (ended) {
        stopWatching();
        return;
      }
      const snapshot = await this.feed.snapshot(SNAPSHOT_LIMIT);
      // Oldest first, like the changes that follow.
      for (const alert of snapshot.reverse()) write(sseEvent('alert', alert));
      for (const alert of queued) write(sseEvent('alert', alert));
      queued = undefined;
      write(sseComment('live'));
    } catch {
      // The stream has started (200 sent): all that is left is to end it; the client reconnects.
      end();
    }
  }

  @Get(':id')
  @AdminPermission('abuse.alerts:read')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'One alert, with every evidence event id' })
  @ApiParam({ name: 'id', description: 'The alert id.' })
  @ApiResponse({ status: 200, description: 'The alert, as in the list.' })
  @ApiResponse({ status: 404, description: 'NotFound (AlertNotFound)' })
  get(@Param('id') id: string): Promise<AlertView> {
    return this.alerts.get(parseAdminInput(AlertIdParam, id, 'alert id'));
  }
}
