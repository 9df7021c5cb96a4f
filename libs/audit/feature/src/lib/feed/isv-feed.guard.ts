import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IsvTokenGuard, type IsvTokenCheck } from '@latchkey/access-guards';
import type { AuditFeedErrorCode } from '@latchkey/contracts';
import { AUDIT_FEED_TOKEN_POLICY, type FeedReader } from './audit-feed-token.verifier';

/** The verified reader of an ISV feed request, for the handler. */
declare module 'fastify' {
  interface FastifyRequest {
    auditFeedReader?: FeedReader;
  }
}

/** Provider token of the feed's {@link AuditFeedTokenVerifier}. */
export const AUDIT_FEED_VERIFIER = Symbol('latchkey:auditFeedVerifier');

/**
 * The gate of `/isv/v1/isvs/:isvId/…`: a verified audit feed token whose
 * `sub` is the path's ISV (IsvTokenGuard): 401 with
 * `WWW-Authenticate: Bearer realm="latchkey-audit-feed"` without a good
 * token, 403 `AUDIT.FEED_FOREIGN_ISV` for a good token aimed at another ISV.
 */
@Injectable()
export class IsvFeedGuard extends IsvTokenGuard<AuditFeedErrorCode> {
  constructor(@Inject(AUDIT_FEED_VERIFIER) verifier: IsvTokenCheck) {
    super(verifier, AUDIT_FEED_TOKEN_POLICY);
  }

  protected override admit(request: FastifyRequest, reader: FeedReader): void {
    request.auditFeedReader = reader;
  }
}
