import type { Config } from 'drizzle-kit';
import { MIGRATIONS_TABLE } from './migrate-schema';
import { quoteIdent } from './quote-ident';

export interface ServiceDrizzleConfigOptions {
  /** The data-access lib, relative to the workspace root (drizzle-kit runs there), e.g. `libs/issuer/data-access`. */
  readonly dir: string;
  /** The service's PostgreSQL schema, e.g. `issuer` (the `pgSchema(...)` its tables use). */
  readonly schemaName: string;
  /** Files declaring the tables; default `<dir>/src/**\/*.table.ts`. */
  readonly schema?: string | string[];
  /** Migrations folder; default `<dir>/migrations`. */
  readonly out?: string;
}

/** The drizzle-kit configuration {@link defineServiceDrizzleConfig} returns. */
export type ServiceDrizzleConfig = Config & {
  dialect: 'postgresql';
  schema: string | string[];
  out: string;
};

/**
 * The `drizzle.config.ts` of a data-access lib, with the platform's
 * conventions: PostgreSQL dialect, only the service's own schema, the
 * journal inside it (as `migrateSchema` keeps it), strict prompts.
 *
 * ```ts
 * // libs/issuer/data-access/drizzle.config.ts
 * import { defineServiceDrizzleConfig } from '@latchkey/persistence';
 * export default defineServiceDrizzleConfig({ dir: 'libs/issuer/data-access', schemaName: 'issuer' });
 * ```
 *
 * Generate from the workspace root (the tsconfig lets drizzle-kit resolve
 * `@latchkey/*` imports; tsconfig.base.json has `paths` but no `baseUrl`):
 * `npx drizzle-kit generate --config libs/issuer/data-access/drizzle.config.ts`
 */
export function defineServiceDrizzleConfig(options: ServiceDrizzleConfigOptions): ServiceDrizzleConfig {
  quoteIdent(options.schemaName);
  const dir = options.dir.replace(/\/+$/, '');
  return {
    dialect: 'postgresql',
    schema: options.schema ?? `${dir}/src/**/*.table.ts`,
    out: options.out ?? `${dir}/migrations`,
    schemaFilter: [options.schemaName],
    migrations: { schema: options.schemaName, table: MIGRATIONS_TABLE },
    strict: true,
    verbose: true,
  };
}
