import { revocationSubjectKey, type EventData, type AccessRevocationV1, type RevocationSubject } from '@latchkey/contracts';

/** The state of one revoked subject. */
export interface Watermark {
  /** Tokens of the subject issued before this instant are refused, even after a reinstatement. */
  readonly notBefore: Date;
  /** True while the subject is revoked: the issuer mints nothing for it. */
  readonly revoked: boolean;
}

type Revocation = EventData<typeof AccessRevocationV1>;

/**
 * The watermark state every verifier holds (ARCHITECTURE.md "Revocation is a
 * watermark"): one entry per revoked subject, so the state stays small.
 * Applying records is order-insensitive for the watermark (it only moves
 * forward), so a replay of the compacted topic or a duplicate delivery
 * cannot lower it; `revoked` follows the latest record of its subject, and
 * the topic's per-subject key keeps those in order.
 */
export class RevocationCache {
  private readonly entries = new Map<string, Watermark>();

  /** Applies one `access.revocation` record. */
  apply(record: Revocation): void {
    const key = revocationSubjectKey(record.subject);
    const notBefore = new Date(record.notBefore);
    const previous = this.entries.get(key);
    const watermark = previous && previous.notBefore > notBefore ? previous.notBefore : notBefore;
    this.entries.set(key, { notBefore: watermark, revoked: record.action === 'revoke' });
  }

  /** The watermark of a subject, if it was ever revoked. */
  get(subject: RevocationSubject): Watermark | undefined {
    return this.entries.get(revocationSubjectKey(subject));
  }

  /**
   * True when a token issued at `issuedAt` is refused under any of the
   * subjects it descends from (its jti, its ISV client, its ISV, its key…):
   * cascades follow lineage by the caller listing every ancestor.
   */
  refuses(subjects: readonly RevocationSubject[], issuedAt: Date): boolean {
    return subjects.some((s) => {
      const w = this.get(s);
      return w !== undefined && issuedAt < w.notBefore;
    });
  }

  /** True while any of the subjects is revoked (issuance must stop). */
  blocks(subjects: readonly RevocationSubject[]): boolean {
    return subjects.some((s) => this.get(s)?.revoked === true);
  }

  get size(): number {
    return this.entries.size;
  }
}
