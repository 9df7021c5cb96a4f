import { Injectable } from '@nestjs/common';
import { LatRejectedV1 } from '@latchkey/contracts';
import { AuditQueryRepository, encodeAuditCursor, IssuedJtiRepository, type AuditEventRecord } from '@latchkey/audit/data-access';
import { isvFeedItemOf, type IsvFeedItem } from './isv-feed-item';
import type { IsvFeedQuery } from './isv-feed-query';
import { isVerifiedRejection } from './verified-rejections';

/** A page of an ISV's feed. */
export interface IsvFeedPage {
  readonly isvId: string;
  readonly items: readonly IsvFeedItem[];
  /** Pass as `cursor` for the next page; null at the end. A page may hold fewer items than `limit` and still have a next one. */
  readonly next: string | null;
}

/**
 * One page of an ISV's transparency feed: the events whose `isv_id` facet
 * is the ISV (never selected by resource alone: one resource may be the
 * client of several ISVs), of the feed's types only, each reduced to the
 * fields an ISV may see. A `lat.rejected` names the ISV its token claimed,
 * so one is kept only when the token's signature verified before it was
 * refused (an expired or revoked token, say: isVerifiedRejection) and its
 * jti is among the ISV's own issuances. A forged token stays out of the
 * feed even when it copies one of the ISV's jtis, which are not secret.
 */
@Injectable()
export class ReadIsvFeedUseCase {
  constructor(
    private readonly events: AuditQueryRepository,
    private readonly issued: IssuedJtiRepository,
  ) {}

  async execute(isvId: string, query: IsvFeedQuery): Promise<IsvFeedPage> {
    const page = await this.events.page(
      { types: query.types, isvId, resourceId: query.resourceId, from: query.from, to: query.to },
      { limit: query.limit, order: query.order, cursor: query.cursor },
    );
    const shown = (e: AuditEventRecord) => e.type !== LatRejectedV1.type || isVerifiedRejection(e.facets.reason);
    const claimed = page.items.filter((e) => e.type === LatRejectedV1.type && shown(e)).map((e) => e.facets.jti);
    const ours = await this.issued.issuedTo(
      isvId,
      claimed.filter((jti): jti is string => jti !== null),
    );
    const items = page.items
      .filter((e) => e.facets.isvId === isvId)
      .filter(shown)
      .filter((e) => e.type !== LatRejectedV1.type || (e.facets.jti !== null && ours.has(e.facets.jti)))
      .flatMap((e) => isvFeedItemOf(e) ?? []);
    return { isvId, items, next: page.next === null ? null : encodeAuditCursor(page.next) };
  }
}
