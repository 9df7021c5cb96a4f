import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ISSUER_MIGRATIONS, ISSUER_SCHEMA } from '../index';
import { IssuanceRepository, type IssuanceRecord } from './issuance.repository';

const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';

function anIssuance(overrides: Partial<IssuanceRecord> = {}): IssuanceRecord {
  return {
    jti: randomUUID(),
    isvId: 'isv-a',
    resourceId: RESOURCE,
    features: ['Face.Identification', 'LimitedAccess.HighRisk'],
    lifetimeSeconds: 3600,
    issuedAt: new Date('2026-11-22T06:00:00.000Z'),
    expiresAt: new Date('2026-11-22T07:00:00.000Z'),
    kid: 'kid-1',
    cnfJkt: null,
    clientIp: '203.0.113.7',
    userAgent: "O'Reilly \"agent\", with $1 and ::text",
    traceId: null,
    ...overrides,
  };
}

describe(IssuanceRepository.name, () => {
  let db: Database;
  let repository: IssuanceRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ISSUER_SCHEMA, migrationsFolder: ISSUER_MIGRATIONS }]);
    repository = new IssuanceRepository(db);
  });
  afterAll(() => db.close());

  it('records a batch of issuances in one statement, each column round-tripping exactly', async () => {
    const batch = [anIssuance(), anIssuance({ features: ['Face.Verification'], cnfJkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', clientIp: null, userAgent: null, traceId: 'a'.repeat(32) }), anIssuance()];
    await db.transaction((tx) => repository.record(tx, batch));
    for (const issuance of batch) {
      expect(await repository.findByJti(issuance.jti)).toEqual(issuance);
    }
  });

  it('records nothing for an empty batch', async () => {
    await expect(db.transaction((tx) => repository.record(tx, []))).resolves.toBeUndefined();
  });

  it('refuses a duplicate jti: the whole batch rolls back', async () => {
    const first = anIssuance();
    await db.transaction((tx) => repository.record(tx, [first]));
    const fresh = anIssuance();
    await expect(db.transaction((tx) => repository.record(tx, [fresh, { ...first }]))).rejects.toThrow();
    expect(await repository.findByJti(fresh.jti)).toBeUndefined();
  });

  it('keeps the blocked clients of each ISV apart', async () => {
    await repository.block('isv-b', RESOURCE, 'fraud');
    await repository.block('isv-b', RESOURCE.replace('face', 'face2'), null);
    expect((await repository.blockedResources('isv-b')).sort()).toEqual([RESOURCE, RESOURCE.replace('face', 'face2')].sort());
    expect(await repository.blockedResources('isv-c')).toEqual([]);
    await repository.unblock('isv-b', RESOURCE);
    expect(await repository.blockedResources('isv-b')).toEqual([RESOURCE.replace('face', 'face2')]);
  });
});
