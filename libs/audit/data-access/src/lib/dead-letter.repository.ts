import { Injectable } from '@nestjs/common';
import { Database } from '@latchkey/persistence';

/** One dead-lettering as the audit keeps it. */
export interface DeadLetterRecord {
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly consumerGroup: string;
  readonly code: string;
  readonly reason: string;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly valueSha256: string;
  readonly deadLetteredAt: Date | null;
}

/** Dead-letters per source topic and code: the separate count the audit keeps. */
export interface DeadLetterCount {
  readonly sourceTopic: string;
  readonly code: string;
  readonly count: number;
}

/** Dead-lettered messages, apart from the chain; stored once per (source topic, partition, offset, consumer group). */
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly db: Database) {}

  /** Stores it unless it is stored already (a redelivery); returns true when stored. */
  async record(letter: DeadLetterRecord): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO audit.dead_letters
         (source_topic, source_partition, source_offset, consumer_group, code, reason, event_id, event_type, value_sha256, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ON CONSTRAINT dead_letters_source_unique DO NOTHING
       RETURNING seq`,
      [
        letter.sourceTopic,
        letter.sourcePartition,
        letter.sourceOffset,
        letter.consumerGroup,
        letter.code,
        letter.reason,
        letter.eventId,
        letter.eventType,
        letter.valueSha256,
        letter.deadLetteredAt?.toISOString() ?? null,
      ],
    );
    return rows.length === 1;
  }

  async counts(): Promise<DeadLetterCount[]> {
    const rows = await this.db.query<{ source_topic: string; code: string; n: string }>(
      'SELECT source_topic, code, count(*) AS n FROM audit.dead_letters GROUP BY source_topic, code ORDER BY source_topic, code',
    );
    return rows.map((r) => ({ sourceTopic: r.source_topic, code: r.code, count: Number(r.n) }));
  }
}
