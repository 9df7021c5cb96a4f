import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AccessRevocationV1 } from '@latchkey/contracts';
import { EventBus, isEvent, PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS } from '@latchkey/messaging';
import { SigningKeyService } from './signing-key.service';

/**
 * Applies `signing-key` revocations on every issuer instance (a consumer
 * group per instance): the first to act retires the key under the ring's
 * lock, and each instance reloads its ring at once instead of signing with
 * a revoked key until its next maintenance pass.
 */
@Injectable()
export class SigningKeyRevocationFeed implements OnApplicationBootstrap {
  constructor(
    private readonly bus: EventBus,
    private readonly keys: SigningKeyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe({
      group: `issuer.signing-key-revocations.${randomUUID()}`,
      events: [AccessRevocationV1],
      // One member per group: a short session lets it rejoin within seconds after a broker restart (with the default
      // 30 s the issuer reported itself not ready for ~30 s after one).
      sessionTimeoutMs: PER_INSTANCE_GROUP_SESSION_TIMEOUT_MS,
      handle: async (event) => {
        if (!isEvent(event, AccessRevocationV1)) return;
        const { subject, action, reason } = event.envelope.data;
        if (subject.kind !== 'signing-key' || action !== 'revoke') return;
        await this.keys.retireNow(subject.keyId, reason);
      },
    });
  }
}
