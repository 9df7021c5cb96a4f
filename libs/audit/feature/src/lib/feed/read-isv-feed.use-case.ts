import { Injectable } from '@nestjs/common';
import { LatRejectedV1 } from '@latchkey/contracts';
import { AuditQueryRepository, encodeAuditCursor, IssuedJtiRepository } from '@latchkey/audit/data-access';
import { isvFeedItemOf, type IsvFeedItem } from './isv-feed-item';
import type { IsvFeedQuery } from './isv-feed-query';

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
 * unverified, so one is kept only when its jti is among the ISV's own
 * issuances; a forged token naming this ISV stays out of its feed.
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
    const claimed = page.items.filter((e) => e.type === LatRejectedV1.type).map((e) => e.facets.jti);
    const ours = await this.issued.issuedTo(
      isvId,
      claimed.filter((jti): jti is string => jti !== null),
    );
    const items = page.items
      .filter((e) => e.facets.isvId === isvId)
      .filter((e) => e.type !== LatRejectedV1.type || (e.facets.jti !== null && ours.has(e.facets.jti)))
      .flatMap((e) => isvFeedItemOf(e) ?? []);
    return { isvId, items, next: page.next === null ? null : encodeAuditCursor(page.next) };
  }
}
