import {
  type DynamicModule,
  type FactoryProvider,
  type InjectionToken,
  Logger,
  Module,
  type ModuleMetadata,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
} from '@nestjs/common';
import { connectionFromConfig } from './connection-from-config';
import { Database, type DatabaseOptions } from './database';
import { databaseRegistry, type DatabaseRegistry } from './database-registry';
import { migrateSchema } from './migrate-schema';
import { quoteIdent } from './quote-ident';

/** What one service needs from the persistence layer. */
export interface PersistenceModuleOptions {
  /** The service's own schema, e.g. `issuer`. */
  readonly schema: string;
  /** Its drizzle-kit migrations folder (absolute, or relative to the working directory). */
  readonly migrationsFolder: string;
  /** Where the database is; from the platform configuration (DATABASE_URL or embedded PGlite) when omitted. */
  readonly connection?: DatabaseOptions;
  /** See `MigrateSchemaOptions.generatedSchema` (tests applying migrations into a per-run schema). */
  readonly generatedSchema?: string;
  /** Where shared instances come from; the process-wide registry by default (tests pass their own). */
  readonly registry?: DatabaseRegistry;
}

/** {@link PersistenceModuleOptions} with the connection computed by an injected factory (e.g. from config). */
export interface PersistenceModuleAsyncOptions extends Omit<PersistenceModuleOptions, 'connection'> {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: Array<InjectionToken | OptionalFactoryDependency>;
  /** Receives the `inject`ed values in order. */
  readonly useConnection: (...deps: never[]) => DatabaseOptions | Promise<DatabaseOptions>;
}

/** Token of the provider that closes the module's lease when the application shuts down. */
const LEASE_CLOSER = Symbol('PersistenceLeaseCloser');

/**
 * A factory, not an @Injectable class with @Inject: this file is also loaded
 * by drizzle-kit (through the lib's index) with esbuild, which rejects
 * parameter decorators unless it finds experimentalDecorators in a tsconfig.
 */
const leaseCloser: FactoryProvider<OnApplicationShutdown> = {
  provide: LEASE_CLOSER,
  inject: [Database],
  useFactory: (database: Database) => ({ onApplicationShutdown: () => database.close() }),
};

/**
 * Gives a service its {@link Database} (inject it by the `Database` class):
 * a lease on the process's shared instance, with the service's migrations
 * applied before the application finishes initialising (a failed migration
 * fails the boot). The lease is released on application shutdown; the
 * instance closes with the last service using it.
 *
 * Global within one application, so platform modules of the same service
 * (the messaging outbox relay) reach the same handle. Each service is its own
 * Nest application, also in the standalone process, so every service still
 * gets a handle for its own schema.
 */
@Module({})
export class PersistenceModule {
  static forService(options: PersistenceModuleOptions): DynamicModule {
    const { connection, ...rest } = options;
    return PersistenceModule.forServiceAsync({ ...rest, useConnection: () => connection ?? connectionFromConfig() });
  }

  static forServiceAsync(options: PersistenceModuleAsyncOptions): DynamicModule {
    quoteIdent(options.schema);
    const provider: FactoryProvider<Promise<Database>> = {
      provide: Database,
      inject: options.inject ?? [],
      useFactory: async (...deps: unknown[]) => {
        const connection = await options.useConnection(...(deps as never[]));
        const database = await (options.registry ?? databaseRegistry).acquire(connection);
        try {
          const { applied } = await migrateSchema(database, {
            schema: options.schema,
            migrationsFolder: options.migrationsFolder,
            generatedSchema: options.generatedSchema,
          });
          new Logger(PersistenceModule.name).log(
            `schema ${options.schema} on ${database.driver}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`,
          );
          return database;
        } catch (error) {
          await database.close();
          throw error;
        }
      },
    };
    return {
      module: PersistenceModule,
      global: true,
      imports: options.imports ?? [],
      providers: [provider, leaseCloser],
      exports: [Database],
    };
  }
}
