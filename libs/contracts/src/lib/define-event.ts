import type { z } from 'zod';
import type { Topic } from './topics';

/**
 * A versioned event contract: its CloudEvents `type`, the topic it travels
 * on, the zod schema of its `data`, and how the partition key and the
 * CloudEvents `subject` derive from the data. The key lives with the
 * contract so that ordering (per ISV, per resource, per revoked subject)
 * cannot drift between producers.
 */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly type: TType;
  readonly topic: Topic;
  readonly data: TSchema;
  readonly key: (data: z.output<TSchema>) => string;
  readonly subject: (data: z.output<TSchema>) => string;
}

/** The validated data type of an event definition. */
export type EventData<E extends EventDefinition> = z.output<E['data']>;

/** The data a producer passes in (before defaults are applied). */
export type EventInput<E extends EventDefinition> = z.input<E['data']>;

/**
 * CloudEvents types are reverse-DNS, dotted, name at least an area and an
 * event, and end in a version: `com.latchkey.lat.issued.v1`.
 */
const TYPE_PATTERN = /^com\.latchkey\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+\.v[1-9][0-9]*$/;

/**
 * Declares an event contract. Throws at module load when the type is not of
 * the form `com.latchkey.<area>.<name>.v<N>`, so a bad contract never ships.
 */
export function defineEvent<TType extends string, TSchema extends z.ZodType>(
  definition: EventDefinition<TType, TSchema>,
): EventDefinition<TType, TSchema> {
  // 128: the envelope's bound on `type`, so every envelope of the contract validates.
  if (definition.type.length > 128 || !TYPE_PATTERN.test(definition.type)) {
    throw new Error(`event type ${definition.type} is not com.latchkey.<area>.<name>.v<N>`);
  }
  return Object.freeze({ ...definition });
}
