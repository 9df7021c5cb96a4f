import { randomUUID } from 'node:crypto';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, IdentityRepository } from '@latchkey/exchange/data-access';
import { EventBus, InProcessBroker, InProcessTransport, OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { MapIdentityUseCase } from './map-identity.use-case';

describe(MapIdentityUseCase.name, () => {
  let db: Database;
  let mapIdentity: MapIdentityUseCase;

  beforeAll(async () => {
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    const bus = new EventBus({ source: '/latchkey/test', transport: new InProcessTransport(new InProcessBroker()) });
    mapIdentity = new MapIdentityUseCase(new IdentityRepository(db, new OutboxWriter(bus, EXCHANGE_SCHEMA)));
  });

  afterAll(() => db.close());

  const aSighting = () => ({ tenantId: randomUUID(), objectId: randomUUID(), displayName: 'Grace Hopper', username: 'grace@fabrikam.example' });
  const people = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM exchange.identities'))[0]?.n);

  it('creates the person on first sight in create mode, and finds them afterwards', async () => {
    const sighting = aSighting();

    const first = await mapIdentity.execute(sighting, 'create');
    const second = await mapIdentity.execute(sighting, 'create');

    expect(first).toEqual({ ok: true, personId: expect.stringMatching(/^p_/), created: true });
    expect(second).toEqual({ ok: true, personId: first.ok ? first.personId : '', created: false });
  });

  it('links an existing person in link-only mode', async () => {
    const sighting = aSighting();
    const created = await mapIdentity.execute(sighting, 'create');

    await expect(mapIdentity.execute(sighting, 'link-only')).resolves.toEqual({
      ok: true,
      personId: created.ok ? created.personId : '',
      created: false,
    });
  });

  it('refuses PERSON_UNKNOWN in link-only mode for a person never seen, creating nobody', async () => {
    const before = await people();

    await expect(mapIdentity.execute(aSighting(), 'link-only')).resolves.toEqual({ ok: false, code: 'EXCHANGE.PERSON_UNKNOWN' });

    expect(await people()).toBe(before);
  });

  it('refuses PROVISIONING_DENIED in deny mode, even for a known person, creating nobody', async () => {
    const known = aSighting();
    await mapIdentity.execute(known, 'create');
    const before = await people();

    await expect(mapIdentity.execute(known, 'deny')).resolves.toEqual({ ok: false, code: 'EXCHANGE.PROVISIONING_DENIED' });
    await expect(mapIdentity.execute(aSighting(), 'deny')).resolves.toEqual({ ok: false, code: 'EXCHANGE.PROVISIONING_DENIED' });

    expect(await people()).toBe(before);
  });

  it('maps inside the caller’s transaction when given one', async () => {
    const sighting = aSighting();

    const mapped = await db.transaction((tx) => mapIdentity.execute(sighting, 'create', tx));

    expect(mapped).toMatchObject({ ok: true, created: true });
  });
});
