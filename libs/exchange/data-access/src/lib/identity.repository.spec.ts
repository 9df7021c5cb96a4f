import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@latchkey/contracts';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA } from '../index';
import { IdentityRepository, type IdentitySighting } from './identity.repository';

describe(IdentityRepository.name, () => {
  let db: Database;
  let identities: IdentityRepository;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    identities = new IdentityRepository(db, new OutboxWriter(bus, EXCHANGE_SCHEMA));
  });

  afterAll(() => db.close());

  const aSighting = (overrides: Partial<IdentitySighting> = {}): IdentitySighting => ({
    tenantId: randomUUID(),
    objectId: randomUUID(),
    displayName: 'Ada Lovelace',
    username: 'ada@contoso.example',
    ...overrides,
  });

  const createdEventsOf = async (personId: string) =>
    (
      await db.query<{ envelope: EventEnvelope }>(
        "SELECT envelope FROM exchange.outbox WHERE envelope->>'type' = 'com.latchkey.identity.created.v1' AND partition_key = $1",
        [personId],
      )
    ).map((r) => r.envelope.data);

  const peopleOf = async (s: IdentitySighting) =>
    db.query('SELECT person_id FROM exchange.identities WHERE tenant_id = $1 AND object_id = $2', [s.tenantId, s.objectId]);

  describe("findUnchanged (the exchange's read-only path)", () => {
    it('answers a known person whose attributes the sighting leaves as they are, bounded or absent ones included', async () => {
      const long = aSighting({ displayName: 'n'.repeat(1000) });
      const created = await identities.findOrCreate(undefined, long, 'create');
      expect(await identities.findUnchanged(long)).toEqual(created?.identity);
      expect(await identities.findUnchanged({ ...long, displayName: null, username: undefined })).toEqual(created?.identity);
    });

    it('answers nothing for a person not seen yet, or one whose name or username the sighting changes', async () => {
      const sighting = aSighting();
      expect(await identities.findUnchanged(sighting)).toBeUndefined();
      await identities.findOrCreate(undefined, sighting, 'create');
      expect(await identities.findUnchanged({ ...sighting, displayName: 'Ada King' })).toBeUndefined();
      expect(await identities.findUnchanged({ ...sighting, username: 'ada.king@contoso.example' })).toBeUndefined();
      expect(await peopleOf(sighting)).toHaveLength(1);
    });
  });

  describe('in create mode', () => {
    it('creates a person on first sight with a random p_ id and the token’s attributes', async () => {
      const sighting = aSighting();

      const resolved = await identities.findOrCreate(undefined, sighting, 'create');

      expect(resolved).toMatchObject({
        created: true,
        refreshed: false,
        identity: { tenantId: sighting.tenantId, objectId: sighting.objectId, displayName: 'Ada Lovelace', username: 'ada@contoso.example' },
      });
      expect(resolved?.identity.personId).toMatch(/^p_[0-9a-f-]{36}$/);
      expect(resolved?.identity.personId).not.toContain(sighting.objectId);
    });

    it('writes one identity.created event with the person, tenant, object id and display name', async () => {
      const sighting = aSighting();

      const resolved = await identities.findOrCreate(undefined, sighting, 'create');
      const personId = resolved?.identity.personId ?? '';

      expect(await createdEventsOf(personId)).toEqual([
        { personId, tenantId: sighting.tenantId, objectId: sighting.objectId, displayName: 'Ada Lovelace' },
      ]);
    });

    it('finds the same person on a later sight and writes no second event', async () => {
      const sighting = aSighting();
      const first = await identities.findOrCreate(undefined, sighting, 'create');

      const again = await identities.findOrCreate(undefined, sighting, 'create');

      expect(again).toEqual({ identity: first?.identity, created: false, refreshed: false });
      expect(await createdEventsOf(first?.identity.personId ?? '')).toHaveLength(1);
    });

    it('creates exactly one person and one event for concurrent first sights', async () => {
      const sighting = aSighting();

      const all = await Promise.all(Array.from({ length: 20 }, () => identities.findOrCreate(undefined, sighting, 'create')));

      const ids = new Set(all.map((r) => r?.identity.personId));
      expect(ids.size).toBe(1);
      expect(all.filter((r) => r?.created)).toHaveLength(1);
      expect(await peopleOf(sighting)).toHaveLength(1);
      expect(await createdEventsOf([...ids][0] ?? '')).toHaveLength(1);
    });

    it('maps the same object id in two tenants to two people', async () => {
      const objectId = randomUUID();

      const a = await identities.findOrCreate(undefined, aSighting({ objectId }), 'create');
      const b = await identities.findOrCreate(undefined, aSighting({ objectId }), 'create');

      expect(a?.identity.personId).not.toBe(b?.identity.personId);
      expect([a?.created, b?.created]).toEqual([true, true]);
    });

    it('refreshes display name and username when a later token carries other values', async () => {
      const sighting = aSighting();
      await identities.findOrCreate(undefined, sighting, 'create');

      const later = await identities.findOrCreate(
        undefined,
        { ...sighting, displayName: 'Ada King', username: 'ada.king@contoso.example' },
        'create',
      );

      expect(later).toMatchObject({ created: false, refreshed: true, identity: { displayName: 'Ada King', username: 'ada.king@contoso.example' } });
      expect(await identities.find(sighting.tenantId, sighting.objectId)).toMatchObject({
        displayName: 'Ada King',
        username: 'ada.king@contoso.example',
      });
    });

    it('keeps stored attributes a later token does not carry', async () => {
      const sighting = aSighting();
      await identities.findOrCreate(undefined, sighting, 'create');

      const later = await identities.findOrCreate(undefined, { ...sighting, displayName: null, username: undefined }, 'create');

      expect(later).toMatchObject({ refreshed: false, identity: { displayName: 'Ada Lovelace', username: 'ada@contoso.example' } });
    });

    it('bounds attributes to 256 characters so the event stays valid', async () => {
      const sighting = aSighting({ displayName: 'n'.repeat(1000), username: 'u'.repeat(1000) });

      const resolved = await identities.findOrCreate(undefined, sighting, 'create');

      expect(resolved?.identity.displayName).toHaveLength(256);
      expect(resolved?.identity.username).toHaveLength(256);
    });

    it('creates nothing when the caller’s transaction rolls back, event included', async () => {
      const sighting = aSighting();

      await expect(
        db.transaction(async (tx) => {
          await identities.findOrCreate(tx, sighting, 'create');
          throw new Error('the exchange failed after mapping the person');
        }),
      ).rejects.toThrow('the exchange failed');

      expect(await peopleOf(sighting)).toHaveLength(0);
      expect(await db.query("SELECT 1 FROM exchange.outbox WHERE envelope->'data'->>'objectId' = $1", [sighting.objectId])).toHaveLength(0);
    });

    it('refuses (and rolls back) an identity whose ids are not Entra GUIDs', async () => {
      const sighting = aSighting({ objectId: 'not-a-guid' });

      await expect(identities.findOrCreate(undefined, sighting, 'create')).rejects.toThrow();

      expect(await peopleOf(sighting)).toHaveLength(0);
    });
  });

  describe('in link-only mode', () => {
    it('finds an existing person', async () => {
      const sighting = aSighting();
      const created = await identities.findOrCreate(undefined, sighting, 'create');

      await expect(identities.findOrCreate(undefined, sighting, 'link-only')).resolves.toMatchObject({ identity: created?.identity, created: false });
    });

    it('answers undefined and creates nothing for an unknown person', async () => {
      const sighting = aSighting();

      await expect(identities.findOrCreate(undefined, sighting, 'link-only')).resolves.toBeUndefined();

      expect(await peopleOf(sighting)).toHaveLength(0);
    });

    it('still refreshes an existing person’s attributes', async () => {
      const sighting = aSighting();
      await identities.findOrCreate(undefined, sighting, 'create');

      await expect(identities.findOrCreate(undefined, { ...sighting, displayName: 'Renamed' }, 'link-only')).resolves.toMatchObject({
        refreshed: true,
        identity: { displayName: 'Renamed' },
      });
    });
  });

  describe('in deny mode', () => {
    it('never creates a person', async () => {
      const sighting = aSighting();

      await expect(identities.findOrCreate(undefined, sighting, 'deny')).resolves.toBeUndefined();

      expect(await peopleOf(sighting)).toHaveLength(0);
    });

    it('maps nobody, not even a person that exists', async () => {
      const sighting = aSighting();
      await identities.findOrCreate(undefined, sighting, 'create');

      await expect(identities.findOrCreate(undefined, sighting, 'deny')).resolves.toBeUndefined();
    });
  });

  it('finds a person by id', async () => {
    const created = await identities.findOrCreate(undefined, aSighting(), 'create');

    await expect(identities.findByPersonId(created?.identity.personId ?? '')).resolves.toEqual(created?.identity);
    await expect(identities.findByPersonId('p_unknown')).resolves.toBeUndefined();
  });
});
