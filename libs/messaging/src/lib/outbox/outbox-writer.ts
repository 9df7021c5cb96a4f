import type { EventDefinition, EventInput } from '@latchkey/contracts';
import type { EventBus, PublishOptions } from '../event-bus';
import { schemaIdent, type SqlRunner } from './sql';

/**
 * Writes events into the service's own `outbox` table inside the caller's
 * transaction, so the event exists if and only if the business row does
 * (ARCHITECTURE.md "Issue": issuance row + outbox row in one transaction).
 * The envelope, including its id and the current trace context, is fixed at
 * write time: the relay's publish continues the request's trace.
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
    const envelope = this.bus.envelope(definition, data, options);
    await tx.query(`INSERT INTO ${this.table} (event_id, topic, partition_key, envelope) VALUES ($1, $2, $3, $4)`, [
      envelope.id,
      definition.topic,
      envelope.partitionkey,
      JSON.stringify(envelope),
    ]);
    this.onWrite?.();
    return envelope.id;
  }
}
