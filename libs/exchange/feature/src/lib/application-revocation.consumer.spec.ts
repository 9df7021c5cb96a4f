import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { AccessRevocationV1, IdentityCreatedV1, type EventDefinition, type EventEnvelope } from '@latchkey/contracts';
import { anAccessRevocation, anEnvelope } from '@latchkey/contracts/testing';
import { EXCHANGE_MIGRATIONS, EXCHANGE_SCHEMA, OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import type { ReceivedEvent } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import { openMigratedPglite } from '@latchkey/testing';
import { ApplicationRevocationConsumer } from './application-revocation.consumer';

function received(definition: EventDefinition, envelope: EventEnvelope): ReceivedEvent {
  return { envelope, definition, topic: definition.topic, partition: 0, offset: '0', attempt: 1 };
}

function revocationOf(clientId: string, action: 'revoke' | 'reinstate' = 'revoke'): ReceivedEvent {
  return received(
    AccessRevocationV1,
    anEnvelope(AccessRevocationV1, anAccessRevocation({ subject: { kind: 'oauth-application', clientId }, action, alertId: null, actor: 'operator-1' })),
  );
}

describe(ApplicationRevocationConsumer.name, () => {
  let db: Database;
  let applications: OAuthApplicationRepository;
  let consumer: ApplicationRevocationConsumer;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await openMigratedPglite([{ schema: EXCHANGE_SCHEMA, migrationsFolder: EXCHANGE_MIGRATIONS }]);
    applications = new OAuthApplicationRepository(db);
    consumer = new ApplicationRevocationConsumer(applications);
  });

  afterAll(() => db.close());

  async function anEnabledApplication(): Promise<string> {
    const clientId = randomUUID();
    await applications.insertIfAbsent({ clientId, displayName: 'Reports client' });
    return clientId;
  }

  const enabled = async (clientId: string) => (await applications.findByClientId(clientId))?.enabled;

  it('disables the application named by an oauth-application revoke', async () => {
    const clientId = await anEnabledApplication();

    await consumer.handle(revocationOf(clientId));

    expect(await enabled(clientId)).toBe(false);
  });

  it('leaves every other application enabled', async () => {
    const revoked = await anEnabledApplication();
    const bystander = await anEnabledApplication();

    await consumer.handle(revocationOf(revoked));

    expect(await enabled(bystander)).toBe(true);
  });

  it('keeps the application disabled when the revoke is redelivered', async () => {
    const clientId = await anEnabledApplication();
    const event = revocationOf(clientId);

    await consumer.handle(event);
    await consumer.handle({ ...event, attempt: 2 });

    expect(await enabled(clientId)).toBe(false);
  });

  it('does not re-enable or disable an application on reinstate', async () => {
    const clientId = await anEnabledApplication();

    await consumer.handle(revocationOf(clientId, 'reinstate'));

    expect(await enabled(clientId)).toBe(true);
  });

  it('ignores a revocation of another subject kind', async () => {
    const clientId = await anEnabledApplication();
    // A person whose id happens to equal the client id must not disable the application.
    const event = anEnvelope(AccessRevocationV1, anAccessRevocation({ subject: { kind: 'person', personId: clientId } }));

    await consumer.handle(received(AccessRevocationV1, event));

    expect(await enabled(clientId)).toBe(true);
  });

  it('ignores events of other types', async () => {
    const clientId = await anEnabledApplication();

    await consumer.handle(received(IdentityCreatedV1, anEnvelope(IdentityCreatedV1, { personId: clientId })));

    expect(await enabled(clientId)).toBe(true);
  });

  it('completes without error when the revoked application is unknown', async () => {
    await expect(consumer.handle(revocationOf(randomUUID()))).resolves.toBeUndefined();
  });
});
