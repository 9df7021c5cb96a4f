import { Logger } from '@nestjs/common';
import { IdentityCreatedV1 } from '@latchkey/contracts';
import { SubjectRepository } from '@latchkey/rbac/data-access';
import { EventConsumer, isEvent, type HandlesEvents, type ReceivedEvent } from '@latchkey/messaging';

/**
 * Registers every person the exchange creates as an RBAC subject, so roles
 * can be assigned to them before their first call. The insert is keyed by
 * person id, so a redelivered event changes nothing.
 */
@EventConsumer({ group: 'rbac.identities', events: [IdentityCreatedV1] })
export class IdentityCreatedConsumer implements HandlesEvents {
  private readonly logger = new Logger(IdentityCreatedConsumer.name);

  constructor(private readonly subjects: SubjectRepository) {}

  async handle(event: ReceivedEvent): Promise<void> {
    if (!isEvent(event, IdentityCreatedV1)) return;
    const { personId, tenantId, displayName } = event.envelope.data;
    const created = await this.subjects.insertIfAbsent({ id: personId, kind: 'person', tenantId, displayName });
    this.logger.log({ msg: 'person registered', personId, created, eventId: event.envelope.id });
  }
}
