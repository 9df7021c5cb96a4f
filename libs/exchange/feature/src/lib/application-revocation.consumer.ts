import { Logger } from '@nestjs/common';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { OAuthApplicationRepository } from '@latchkey/exchange/data-access';
import { EventConsumer, isEvent, type HandlesEvents, type ReceivedEvent } from '@latchkey/messaging';

/**
 * Disables an OAuth application when `access.revocation` revokes it, so the
 * exchange stops minting tokens for it on every replica, durably (the
 * in-memory watermark refuses its existing tokens; this stops new ones).
 * Reinstatement is an operator action on the application, not automatic.
 */
@EventConsumer({ group: 'exchange.application-revocations', events: [AccessRevocationV1] })
export class ApplicationRevocationConsumer implements HandlesEvents {
  private readonly logger = new Logger(ApplicationRevocationConsumer.name);

  constructor(private readonly applications: OAuthApplicationRepository) {}

  async handle(event: ReceivedEvent): Promise<void> {
    if (!isEvent(event, AccessRevocationV1)) return;
    const { subject, action } = event.envelope.data;
    if (subject.kind !== 'oauth-application' || action !== 'revoke') return;
    const changed = await this.applications.disable(subject.clientId);
    this.logger.log({ msg: 'oauth application disabled by revocation', clientId: subject.clientId, changed, eventId: event.envelope.id });
  }
}
