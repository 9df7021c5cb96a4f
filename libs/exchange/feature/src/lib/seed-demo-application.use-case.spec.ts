import { randomUUID } from 'node:crypto';
import type { ConfigOf } from '@latchkey/config';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, IdentityRepository, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { apiKeyMatches } from '@latchkey/tokens';
import { MapIdentityUseCase } from './identities/map-identity.use-case';
import { DEMO_CLIENT_ID, OPERATOR_CONSOLE_CLIENT_ID, SeedDemoApplicationUseCase } from './seed-demo-application.use-case';
import type { exchangeTokensConfig } from './tokens/exchange-tokens.config';

const ADMIN_AUDIENCE = 'api://latchkey-admin-under-test';

describe(SeedDemoApplicationUseCase.name, () => {
  let db: Database;
  let applications: OAuthApplicationRepository;
  let identities: IdentityRepository;
  let seed: SeedDemoApplicationUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    applications = new OAuthApplicationRepository(db);
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    identities = new IdentityRepository(db, new OutboxWriter(bus, EXCHANGE_SCHEMA));
    const tokens = { LATCHKEY_EXCHANGE_ADMIN_AUDIENCE: ADMIN_AUDIENCE } as ConfigOf<typeof exchangeTokensConfig>;
    seed = new SeedDemoApplicationUseCase(applications, new MapIdentityUseCase(identities), tokens);
  });

  afterAll(() => db.close());

  // The applications have fixed ids, so each test starts from an empty table.
  beforeEach(() => db.query('DELETE FROM exchange.oauth_applications'));

  describe('the demo application', () => {
    it('is created enabled, with its secret returned once', async () => {
      const result = await seed.execute();

      expect(result).toEqual({
        clientId: DEMO_CLIENT_ID,
        clientSecret: expect.stringMatching(/^lk_app_/),
        scopes: ['testapi.read', 'testapi.write'],
      });
      const stored = await applications.findByClientId(DEMO_CLIENT_ID);
      expect(stored).toMatchObject({
        enabled: true,
        scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'] },
        tokenLifetimeSeconds: 3600,
        appOnlyPolicy: 'deny',
        provisioning: 'create',
      });
    });

    it('stores only the digest of the secret it returns', async () => {
      const { clientSecret } = await seed.execute();

      const stored = await applications.findByClientId(DEMO_CLIENT_ID);
      expect(stored?.clientSecretHash).not.toContain(clientSecret);
      expect(apiKeyMatches(clientSecret ?? '', stored?.clientSecretHash ?? '')).toBe(true);
    });

    it('returns no secret and keeps the stored one when the application exists', async () => {
      await seed.execute();
      const before = await applications.findByClientId(DEMO_CLIENT_ID);

      const again = await seed.execute();

      expect(again).toEqual({ clientId: DEMO_CLIENT_ID, scopes: ['testapi.read', 'testapi.write'] });
      expect((await applications.findByClientId(DEMO_CLIENT_ID))?.clientSecretHash).toBe(before?.clientSecretHash);
    });

    it('gives an application an earlier seed created with other scopes the sample API’s scopes, keeping its secret and policies', async () => {
      await seed.execute();
      await applications.update(DEMO_CLIENT_ID, { scopes: { 'api://latchkey/testapi.read': ['testapi:read'] }, tokenLifetimeSeconds: 600 });
      const before = await applications.findByClientId(DEMO_CLIENT_ID);

      const again = await seed.execute();

      expect(again).toEqual({ clientId: DEMO_CLIENT_ID, scopes: ['testapi.read', 'testapi.write'] });
      expect(await applications.findByClientId(DEMO_CLIENT_ID)).toMatchObject({
        scopes: { 'testapi.read': ['testapi:read'], 'testapi.write': ['testapi:write'] },
        tokenLifetimeSeconds: 600,
        clientSecretHash: before?.clientSecretHash,
      });
    });

    it('leaves an application with the seed’s scopes untouched', async () => {
      await seed.execute();
      const before = await applications.findByClientId(DEMO_CLIENT_ID);

      await seed.execute();

      expect((await applications.findByClientId(DEMO_CLIENT_ID))?.updatedAt).toEqual(before?.updatedAt);
    });
  });

  describe('the operator console', () => {
    it('allows latchkey.admin only, creates people, refuses app-only tokens, and names the admin audience', async () => {
      const result = await seed.operatorConsole();

      expect(result).toEqual({
        clientId: OPERATOR_CONSOLE_CLIENT_ID,
        clientSecret: expect.stringMatching(/^lk_app_/),
        scopes: ['latchkey.admin'],
        audience: ADMIN_AUDIENCE,
        scope: 'latchkey.admin',
      });
      const stored = await applications.findByClientId(OPERATOR_CONSOLE_CLIENT_ID);
      expect(stored).toMatchObject({ enabled: true, scopes: { 'latchkey.admin': [] }, appOnlyPolicy: 'deny', provisioning: 'create' });
      expect(apiKeyMatches(result.clientSecret ?? '', stored?.clientSecretHash ?? '')).toBe(true);
    });

    it('returns no secret and keeps the stored one when it exists', async () => {
      await seed.operatorConsole();
      const before = await applications.findByClientId(OPERATOR_CONSOLE_CLIENT_ID);

      const again = await seed.operatorConsole();

      expect(again.clientSecret).toBeUndefined();
      expect((await applications.findByClientId(OPERATOR_CONSOLE_CLIENT_ID))?.clientSecretHash).toBe(before?.clientSecretHash);
    });
  });

  describe('the person of an identity', () => {
    const sighting = () => ({ tenantId: randomUUID(), objectId: randomUUID(), displayName: 'Demo User', username: 'demo@dev.example' });

    it('is created on first call with identity.created, and found afterwards', async () => {
      const identity = sighting();

      const personId = await seed.person(identity);
      const again = await seed.person(identity);

      expect(personId).toMatch(/^p_/);
      expect(again).toBe(personId);
      expect(await identities.find(identity.tenantId, identity.objectId)).toMatchObject({ personId, displayName: 'Demo User' });
      const events = await db.query(
        "SELECT 1 FROM exchange.outbox WHERE envelope->>'type' = 'com.latchkey.identity.created.v1' AND partition_key = $1",
        [personId],
      );
      expect(events).toHaveLength(1);
    });

    it('is the person a later exchange of the same tid and oid maps to', async () => {
      const identity = sighting();
      const personId = await seed.person(identity);

      await expect(
        new MapIdentityUseCase(identities).execute({ tenantId: identity.tenantId, objectId: identity.objectId }, 'link-only'),
      ).resolves.toEqual({
        ok: true,
        personId,
        created: false,
      });
    });
  });
});
