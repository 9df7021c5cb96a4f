import { defineServiceDrizzleConfig } from './drizzle-kit-config';

describe(defineServiceDrizzleConfig.name, () => {
  it('applies the platform conventions for a data-access lib', () => {
    expect(defineServiceDrizzleConfig({ dir: 'libs/issuer/data-access/', schemaName: 'issuer' })).toEqual({
      dialect: 'postgresql',
      schema: 'libs/issuer/data-access/src/**/*.table.ts',
      out: 'libs/issuer/data-access/migrations',
      schemaFilter: ['issuer'],
      migrations: { schema: 'issuer', table: '__drizzle_migrations' },
      strict: true,
      verbose: true,
    });
  });

  it('rejects a schema name migrateSchema would refuse', () => {
    expect(() => defineServiceDrizzleConfig({ dir: 'libs/face-api/data-access', schemaName: 'face-api' })).toThrow(
      expect.objectContaining({ code: 'PERSISTENCE.INVALID_IDENTIFIER' }),
    );
  });
});
