import type { EventDefinition } from './define-event';
import type { Topic } from './topics';

/**
 * The typed registry of every event contract, by CloudEvents type. Consumers
 * decode through it; an unknown type is dead-lettered, never guessed at.
 */
export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition[]) {
    for (const definition of definitions) {
      if (this.byType.has(definition.type)) {
        throw new Error(`event type ${definition.type} is registered twice`);
      }
      this.byType.set(definition.type, definition);
    }
  }

  /** The contract of `type`, if registered. */
  get(type: string): EventDefinition | undefined {
    return this.byType.get(type);
  }

  /** Every contract that travels on `topic` (several versions may share one). */
  forTopic(topic: Topic): EventDefinition[] {
    return [...this.byType.values()].filter((d) => d.topic === topic);
  }

  /** All registered contracts. */
  all(): EventDefinition[] {
    return [...this.byType.values()];
  }
}
