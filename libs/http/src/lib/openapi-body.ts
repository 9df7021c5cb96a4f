import { type ApiBodyOptions, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';

/** An OpenAPI request body generated from the zod schema that validates it, so the two cannot drift. */
export function zodBody(schema: z.ZodType): ApiBodyOptions {
  // Zod's JSON Schema for OpenAPI 3.0 is a SchemaObject; the two libraries just type it separately. `io: 'input'`: what a caller sends.
  return { schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject };
}
