import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags, type ApiBodyOptions, type SchemaObject } from '@nestjs/swagger';
import { z } from 'zod';
import { OperatorKeyGuard } from './operator-key.guard';

/**
 * Marks a controller as part of the operator admin API: never `@Public()`,
 * every handler behind the operator guard. The one place to swap the
 * interim operator key for the RBAC guard and its per-endpoint permissions.
 */
export function AdminApi(): ClassDecorator {
  return applyDecorators(
    ApiTags('Operator admin'),
    ApiBearerAuth(),
    UseGuards(OperatorKeyGuard),
    ApiResponse({ status: 401, description: 'Unauthorized (OperatorCredentialMissing, OperatorCredentialInvalid, AdminApiDisabled)' }),
  );
}

/** An OpenAPI request body generated from the zod schema that validates it, so the two cannot drift. */
export function zodBody(schema: z.ZodType): ApiBodyOptions {
  // Zod's JSON Schema for OpenAPI 3.0 is a SchemaObject; the two libraries just type it separately.
  return { schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as SchemaObject };
}
