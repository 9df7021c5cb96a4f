import type { EventDefinition, EventInput } from '@latchkey/contracts';
import type { EventBus, PublishOptions } from '../event-bus';
import { schemaIdent, type SqlRunner } from './sql';

/** An event ready for the outbox: its envelope is built, its row not yet written. */
export interface OutboxEntry {
  readonly eventId: string;
  readonly topic: string;
  readonly partitionKey: string;
  readonly envelopeJson: string;
}

/** Rows per INSERT statement: 4 parameters each, far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 1000;

/**
 * Writes events into the service's own `outbox` table inside the caller's
 * transaction, so the event exists if and only if the business row does
 * (ARCHITECTURE.md "Issue": issuance row + outbox row in one transaction).
 * The envelope, including its id and the current trace context, is fixed
 * when the entry is prepared: the relay's publish continues the request's
 * trace, even when the row is written later in a batch (group commit).
 */
export class OutboxWriter {
  private readonly table: string;

  constructor(
    private readonly bus: EventBus,
    schema: string,
    private readonly onWrite?: () => void,
  ) {
    this.table = `${schemaIdent(schema)}.outbox`;
  }

  /** Adds one event to the outbox in `tx`; returns its event id. */
  async write<E extends EventDefinition>(
    tx: SqlRunner,
    definition: E,
    data: EventInput<E>,
    options: PublishOptions = {},
  ): Promise<string> {
    const entry = this.prepare(definition, data, options);
    await this.insert(tx, [entry]);
    return entry.eventId;
  }

  /** Validates the event and builds its envelope in the caller's (trace) context, without writing. */
  prepare<E extends EventDefinition>(
    definition: E,
    data: EventInput<E>,
    options: PublishOptions = {},
  ): OutboxEntry {
    const envelope = this.bus.envelope(definition, data, options);
    return {
      eventId: envelope.id,
      topic: definition.topic,
      partitionKey: envelope.partitionkey,
      envelopeJson: JSON.stringify(envelope),
    };
  }

  /** Writes prepared entries in `tx`, in order, with multi-row INSERTs. */
  async insert(tx: SqlRunner, entries: readonly OutboxEntry[]): Promise<void> {
    for (let start = 0; start < entries.length; start += ROWS_PER_STATEMENT) {
      const chunk = entries.slice(start, start + ROWS_PER_STATEMENT);
      const rows = chunk
        .map(
          (_, i) =>
            `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`,
        )
        .join(', ');
      await tx.query(
        `INSERT INTO ${this.table} (event_id, topic, partition_key, envelope) VALUES ${rows}`,
        chunk.flatMap((e) => [
          e.eventId,
          e.topic,
          e.partitionKey,
          e.envelopeJson,
        ]),
      );
    }
    if (entries.length > 0) this.onWrite?.();
  }
}
