import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';

/** A token as issued: which ISV and client resource (canonical) it is for, until when. */
export interface IssuedToken {
  readonly jti: string;
  readonly isvId: string;
  readonly resourceId: string;
  readonly expiresAt: Date;
}

/** Rows per INSERT: 4 parameters each, well below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 1000;

/**
 * The tokens the detector has seen issued, so a refusal that names only a
 * `jti` can be traced to the token's own ISV and client. A redelivered
 * `lat.issued` changes nothing (a jti is issued once).
 */
@Injectable()
export class IssuedTokenRepository {
  constructor(private readonly db: Database) {}

  async record(tokens: readonly IssuedToken[]): Promise<void> {
    for (let start = 0; start < tokens.length; start += ROWS_PER_STATEMENT) {
      const chunk = tokens.slice(start, start + ROWS_PER_STATEMENT);
      const rows = chunk.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`).join(', ');
      await this.db.query(
        `INSERT INTO abuse_detector.issued_tokens (jti, isv_id, resource_id, expires_at) VALUES ${rows} ON CONFLICT (jti) DO NOTHING`,
        chunk.flatMap((t) => [t.jti, t.isvId, t.resourceId, t.expiresAt.toISOString()]),
      );
    }
  }

  /** The stored tokens among `jtis`, by jti. */
  async find(jtis: readonly string[]): Promise<Map<string, IssuedToken>> {
    const found = new Map<string, IssuedToken>();
    if (jtis.length === 0) return found;
    const rows = await this.db.query<{ jti: string; isv_id: string; resource_id: string; expires_at: Date | string }>(
      'SELECT jti, isv_id, resource_id, expires_at FROM abuse_detector.issued_tokens WHERE jti = ANY($1::text[])',
      [[...new Set(jtis)]],
    );
    for (const row of rows) found.set(row.jti, { jti: row.jti, isvId: row.isv_id, resourceId: row.resource_id, expiresAt: new Date(row.expires_at) });
    return found;
  }

  /** Deletes tokens that expired before `before`; returns how many. */
  async pruneExpired(before: Date): Promise<number> {
    const rows = await this.db.query('DELETE FROM abuse_detector.issued_tokens WHERE expires_at < $1 RETURNING jti', [before.toISOString()]);
    return rows.length;
  }
}
