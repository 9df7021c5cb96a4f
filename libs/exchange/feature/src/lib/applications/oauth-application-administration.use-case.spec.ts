import { randomBytes, randomUUID } from 'node:crypto';
import { ADMIN_SCOPE, LatchkeyError } from '@latchkey/contracts';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { apiKeyMatches, generateApiKey } from '@latchkey/tokens';
import { AudienceScopeCatalogue } from '../exchange/audience-scopes';
import { CreateApplicationBody, parseAdminInput, UpdateApplicationBody } from './admin-request.schema';
import { OAuthApplicationAdministration } from './oauth-application-administration.use-case';

const upstream = (audience: string, scopes: string[]) => ({ url: 'http://127.0.0.1:9', audience, scopes });
/** Two upstream APIs and the admin audience: the scopes an application may allow are theirs. */
const AUDIENCES = new AudienceScopeCatalogue(
  { testapi: upstream('api://latchkey-testapi', ['testapi.read', 'testapi.write']), hr: upstream('api://hr', ['hr.read']) },
  'api://latchkey-admin',
);

describe(OAuthApplicationAdministration.name, () => {
  let db: Database;
  let repository: OAuthApplicationRepository;
  let admin: OAuthApplicationAdministration;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    repository = new OAuthApplicationRepository(db);
    admin = new OAuthApplicationAdministration(repository, AUDIENCES);
  });

  afterAll(() => db.close());

  const anApplication = (extra: Record<string, unknown> = {}) =>
    parseAdminInput(CreateApplicationBody, { displayName: 'Reports', scopes: { 'testapi.read': ['testapi:read'] }, ...extra }, 'body');

  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof LatchkeyError ? error.code : 'other'),
    );

  const refusalOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof LatchkeyError ? { code: error.code, message: error.message } : { code: 'other', message: String(error) }),
    );

  it('creates an application with a random GUID client id and answers its secret, storing only the digest', async () => {
    const created = await admin.create(anApplication());

    expect(created.clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.clientSecret).toMatch(/^lk_app_/);
    const stored = await repository.findByClientId(created.clientId);
    expect(stored?.clientSecretHash).not.toContain(created.clientSecret);
    expect(apiKeyMatches(created.clientSecret, stored?.clientSecretHash ?? '')).toBe(true);
  });

  it('never shows the secret or its digest again', async () => {
    const { clientId } = await admin.create(anApplication());

    const read = await admin.get(clientId);
    const listed = (await admin.list()).find((a) => a.clientId === clientId);

    for (const view of [read, listed]) {
      expect(view).toMatchObject({ clientId, hasClientSecret: true });
      expect(Object.keys(view ?? {})).not.toEqual(expect.arrayContaining(['clientSecret']));
      expect(Object.keys(view ?? {})).not.toEqual(expect.arrayContaining(['clientSecretHash']));
    }
  });

  it('keeps a client id the operator chose, and refuses a second application with it', async () => {
    const clientId = randomUUID();
    await admin.create(anApplication({ clientId }));

    expect(await codeOf(admin.create(anApplication({ clientId })))).toBe('EXCHANGE.ADMIN_APPLICATION_EXISTS');
  });

  it('changes only the given policies', async () => {
    const { clientId } = await admin.create(anApplication({ tokenLifetimeSeconds: 600 }));

    const updated = await admin.update(clientId, { provisioning: 'link-only', displayName: undefined });

    expect(updated).toMatchObject({ provisioning: 'link-only', tokenLifetimeSeconds: 600, displayName: 'Reports' });
  });

  it('disables and enables an application', async () => {
    const { clientId } = await admin.create(anApplication());

    expect((await admin.setEnabled(clientId, false)).enabled).toBe(false);
    expect((await admin.setEnabled(clientId, true)).enabled).toBe(true);
  });

  it('rotates the secret: the new one matches, the old one no longer does', async () => {
    const created = await admin.create(anApplication());

    const rotated = await admin.rotateSecret(created.clientId);

    const stored = await repository.findByClientId(created.clientId);
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect(apiKeyMatches(rotated.clientSecret, stored?.clientSecretHash ?? '')).toBe(true);
    expect(apiKeyMatches(created.clientSecret, stored?.clientSecretHash ?? '')).toBe(false);
    expect(rotated.secretRotatedAt).not.toBeNull();
  });

  describe('scopes no audience declares', () => {
    const KNOWN = 'Known scopes: "hr.read", "latchkey.admin", "testapi.read", "testapi.write".';

    it('accepts every scope an audience declares, the admin scope included', async () => {
      const created = await admin.create(anApplication({ scopes: { 'testapi.write': ['testapi:write'], 'hr.read': [], [ADMIN_SCOPE]: [] } }));

      expect(Object.keys(created.scopes).sort()).toEqual(['hr.read', ADMIN_SCOPE, 'testapi.write']);
    });

    it('refuses to create an application allowing one, naming it and the known scopes, and stores nothing', async () => {
      const clientId = randomUUID();

      const refusal = await refusalOf(admin.create(anApplication({ clientId, scopes: { 'testapi.read': [], 'testapi.raed': [] } })));

      expect(refusal).toEqual({
        code: 'EXCHANGE.ADMIN_SCOPE_UNKNOWN',
        message: `The body field scopes allows a scope that no audience declares, so no token could ever carry it ("testapi.raed"). ${KNOWN}`,
      });
      expect(await repository.findByClientId(clientId)).toBeUndefined();
    });

    it('refuses to change the scope map to one allowing them, and keeps the stored one', async () => {
      const { clientId } = await admin.create(anApplication());
      const changes = parseAdminInput(UpdateApplicationBody, { scopes: { 'hr.write': [], 'testapi.read': [], 'api://hr/hr.read': [] } }, 'body');

      const refusal = await refusalOf(admin.update(clientId, changes));

      expect(refusal).toEqual({
        code: 'EXCHANGE.ADMIN_SCOPE_UNKNOWN',
        message: `The body field scopes allows 2 scopes that no audience declares, so no token could ever carry them ("hr.write", "api://hr/hr.read"). ${KNOWN}`,
      });
      expect((await admin.get(clientId)).scopes).toEqual({ 'testapi.read': ['testapi:read'] });
    });

    it.each([
      ['an API key', generateApiKey('operator')],
      ['an API key inside a name', `x.${generateApiKey('operator')}`],
      ['an API key cut short', `lk_op_${randomBytes(8).toString('hex')}`],
      ['a JWT', `eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.${randomBytes(24).toString('base64url')}`],
      ['a long name', `a${'b'.repeat(100)}`],
    ])('counts, and never repeats, an unknown scope that is %s', async (_what, pasted) => {
      const refusal = await refusalOf(admin.create(anApplication({ scopes: { [pasted]: [], 'hr.raed': [] } })));

      expect(refusal).toEqual({
        code: 'EXCHANGE.ADMIN_SCOPE_UNKNOWN',
        message: `The body field scopes allows 2 scopes that no audience declares, so no token could ever carry them ("hr.raed" and 1 not repeated here). ${KNOWN}`,
      });
      expect(refusal?.message).not.toContain(pasted);
    });

    it('names none when none can be shown', async () => {
      const pasted = generateApiKey('app');

      expect((await refusalOf(admin.create(anApplication({ scopes: { [pasted]: [] } }))))?.message).toBe(
        `The body field scopes allows a scope that no audience declares, so no token could ever carry it (not repeated here). ${KNOWN}`,
      );
    });

    it('still changes other fields of an application whose stored scopes are no longer declared', async () => {
      const clientId = randomUUID();
      await repository.insertIfAbsent({ clientId, displayName: 'Before', scopes: { 'retired.read': [] }, clientSecretHash: null });

      const updated = await admin.update(clientId, { displayName: 'After' });

      expect(updated).toMatchObject({ displayName: 'After', scopes: { 'retired.read': [] } });
    });
  });

  it.each([
    ['get', (id: string) => admin.get(id)],
    ['update', (id: string) => admin.update(id, { enabled: false })],
    ['enable', (id: string) => admin.setEnabled(id, true)],
    ['rotate', (id: string) => admin.rotateSecret(id)],
  ])('refuses %s of an unknown application with ADMIN_APPLICATION_NOT_FOUND', async (_name, run) => {
    expect(await codeOf(run(randomUUID()))).toBe('EXCHANGE.ADMIN_APPLICATION_NOT_FOUND');
  });
});
