import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { RBAC_MIGRATIONS, RBAC_SCHEMA } from '../index';
import { EndpointRepository } from './endpoint.repository';
import { PermissionRepository } from './permission.repository';

describe(EndpointRepository.name, () => {
  let db: Database;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
  });

  afterAll(() => db.close());

  it("replaces one service's list and leaves the others", async () => {
    const endpoints = new EndpointRepository(db);
    const read = { method: 'GET', path: '/reports', scope: 'reports.read', permission: 'reports:read', public: false };
    await endpoints.replace('svc-a', [read, { method: 'GET', path: '/health', scope: null, permission: null, public: true }]);
    await endpoints.replace('svc-b', [read]);

    await endpoints.replace('svc-a', [read]);

    expect((await endpoints.ofService('svc-a')).map((e) => e.path)).toEqual(['/reports']);
    expect((await endpoints.list()).map((e) => `${e.service} ${e.path}`)).toEqual(['svc-a /reports', 'svc-b /reports']);
  });
});

describe(PermissionRepository.name, () => {
  it('registers only what is missing and says which were new', async () => {
    const db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    try {
      const permissions = new PermissionRepository(db);
      expect(await permissions.registerMissing([{ id: 'reports:read' }], 'admin')).toEqual(['reports:read']);

      expect(await permissions.registerMissing([{ id: 'reports:read' }, { id: 'reports:write' }], 'endpoint:svc')).toEqual(['reports:write']);

      expect((await permissions.list()).map((p) => [p.id, p.registeredBy])).toEqual([
        ['reports:read', 'admin'],
        ['reports:write', 'endpoint:svc'],
      ]);
      expect(await permissions.known(['reports:read', 'x:y'])).toEqual(new Set(['reports:read']));
    } finally {
      await db.close();
    }
  });
});
