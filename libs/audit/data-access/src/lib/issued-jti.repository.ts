import { Injectable } from '@nestjs/common';
import { LatIssuedV1 } from '@latchkey/contracts';
import { Database } from '@latchkey/persistence';

/**
 * Which token ids the issuer really issued to an ISV, by its own
 * `lat.issued` events. A `lat.rejected` event's `isvId` and `jti` are what a
 * refused token claimed, unverified: the ISV feed shows a rejection only
 * when its jti is one of the ISV's issuances, so nobody can write into
 * another ISV's feed by forging a token that names it.
 */
@Injectable()
export class IssuedJtiRepository {
  constructor(private readonly db: Database) {}

  /** The subset of `jtis` that `isvId` was issued (one indexed lookup for the lot). */
  async issuedTo(isvId: string, jtis: readonly string[]): Promise<ReadonlySet<string>> {
    if (jtis.length === 0) return new Set();
    const rows = await this.db.query<{ jti: string }>(
      'SELECT DISTINCT jti FROM audit.events WHERE jti = ANY($1::text[]) AND type = $2 AND isv_id = $3',
      [[...new Set(jtis)], LatIssuedV1.type, isvId],
    );
    return new Set(rows.map((row) => row.jti));
  }
}
