import { randomUUID } from 'node:crypto';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ABUSE_DETECTOR_MIGRATIONS, ABUSE_DETECTOR_SCHEMA } from '../index';
import { IssuedTokenRepository, type IssuedToken } from './issued-token.repository';

function aToken(expiresAt = new Date('2030-01-01T00:00:00.000Z')): IssuedToken {
  return { jti: randomUUID(), isvId: 'isv-1', resourceId: `/subscriptions/x/resourcegroups/rg/accounts/${randomUUID()}`, expiresAt };
}

describe(IssuedTokenRepository.name, () => {
  let db: Database;
  let tokens: IssuedTokenRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: ABUSE_DETECTOR_SCHEMA, migrationsFolder: ABUSE_DETECTOR_MIGRATIONS }]);
    tokens = new IssuedTokenRepository(db);
  });

  afterAll(() => db.close());

  it('finds recorded tokens by jti, and only those', async () => {
    const a = aToken();
    const b = aToken();
    await tokens.record([a, b]);

    const found = await tokens.find([a.jti, 'never-issued', a.jti]);

    expect([...found.values()]).toEqual([a]);
  });

  it('keeps the first record of a jti when lat.issued is redelivered', async () => {
    const token = aToken();
    await tokens.record([token]);

    await tokens.record([{ ...token, isvId: 'someone-else' }]);

    expect((await tokens.find([token.jti])).get(token.jti)?.isvId).toBe('isv-1');
  });

  it('prunes tokens that expired before the given time, keeping the others', async () => {
    const expired = aToken(new Date('2020-01-01T00:00:00.000Z'));
    const live = aToken(new Date('2030-01-01T00:00:00.000Z'));
    await tokens.record([expired, live]);

    const pruned = await tokens.pruneExpired(new Date('2025-01-01T00:00:00.000Z'));

    expect(pruned).toBeGreaterThanOrEqual(1);
    expect([...(await tokens.find([expired.jti, live.jti])).keys()]).toEqual([live.jti]);
  });

  it('records more tokens than one statement holds', async () => {
    const many = Array.from({ length: 1500 }, () => aToken());

    await tokens.record(many);

    expect((await tokens.find(many.map((t) => t.jti))).size).toBe(1500);
  });
});
