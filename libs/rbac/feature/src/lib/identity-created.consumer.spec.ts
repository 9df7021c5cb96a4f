import { Logger } from '@nestjs/common';
import { IdentityCreatedV1, LatUsedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { anEnvelope, anIdentityCreated } from '@latchkey/contracts/testing';
import type { ReceivedEvent } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { RBAC_MIGRATIONS, RBAC_SCHEMA, SubjectRepository } from '@latchkey/rbac/data-access';
import { openMigratedPglite } from '@latchkey/testing';
import { IdentityCreatedConsumer } from './identity-created.consumer';

function received(definition: EventDefinition, envelope: EventEnvelope, attempt = 1): ReceivedEvent {
  return { envelope, definition, topic: definition.topic, partition: 0, offset: '0', attempt };
}

describe(IdentityCreatedConsumer.name, () => {
  let db: Database;
  let subjects: SubjectRepository;
  let consumer: IdentityCreatedConsumer;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await openMigratedPglite([{ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }]);
    subjects = new SubjectRepository(db);
    consumer = new IdentityCreatedConsumer(subjects);
  });

  afterAll(() => db.close());

  it('registers the person as a subject with its tenant and display name', async () => {
    const identity = anIdentityCreated({ displayName: 'Ada Lovelace' });

    await consumer.handle(received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1, identity)));

    expect(await subjects.findById(identity.personId)).toEqual({
      id: identity.personId,
      kind: 'person',
      tenantId: identity.tenantId,
      displayName: 'Ada Lovelace',
      apiKeyHash: null,
      createdAt: expect.any(Date),
    });
  });

  it('changes nothing when the event is redelivered', async () => {
    const identity = anIdentityCreated();
    const event = received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1, identity));
    await consumer.handle(event);
    const first = await subjects.findById(identity.personId);

    await consumer.handle({ ...event, attempt: 2 });

    const rows = await db.query('SELECT id FROM rbac.subjects WHERE id = $1', [identity.personId]);
    expect(rows).toHaveLength(1);
    expect(await subjects.findById(identity.personId)).toEqual(first);
  });

  it('keeps the first registration when another event names the same person', async () => {
    const identity = anIdentityCreated({ displayName: 'First Name' });
    await consumer.handle(received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1, identity)));

    await consumer.handle(received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1, { ...identity, displayName: 'Second Name' })));

    expect((await subjects.findById(identity.personId))?.displayName).toBe('First Name');
  });

  it('ignores events of other types', async () => {
    const before = await db.query('SELECT id FROM rbac.subjects');

    await consumer.handle(received(LatUsedV1, anEnvelope(LatUsedV1)));

    expect(await db.query('SELECT id FROM rbac.subjects')).toEqual(before);
  });
});
