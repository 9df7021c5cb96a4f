import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { WebhookRepository, type DueDelivery } from '@latchkey/abuse-detector/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { abuseCasesConfig } from './abuse-cases.config';
import { repeat, type Repeating } from './repeat';
import { WebhookSender, type WebhookOutcome } from './webhook-sender';

/** Deliveries sent per poll, at most. */
const BATCH = 20;
/** The first retry waits this long; each further one twice as long, up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 5000;
const MAX_BACKOFF_MS = 3_600_000;

/** How long after attempt `attempts` (1-based) the next one is due. */
export function backoffMs(attempts: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

/**
 * Sends queued case webhooks to the ISVs, signed by Standard Webhooks
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<HMAC-SHA256>`
 * with the ISV's secret; the `standardwebhooks` package signs, and ISVs
 * verify with any Standard Webhooks library). Any 2xx is delivered; anything
 * else (status, timeout, refused connection, a redirect: never followed) is
 * retried with exponential backoff, then marked failed after
 * LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS; a destination the sender refuses (a
 * non-public address, see WebhookSender) is marked failed at once. The
 * recorded error is a fixed category or `HTTP <status>`, never what the
 * other side answered. A delivery is claimed with a lease
 * longer than one attempt, so replicas never send it twice at once; a
 * replica dying mid-send lets the lease lapse and the delivery is sent
 * again (at least once: the ISV deduplicates on `webhook-id`).
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private polling: Repeating | undefined;

  constructor(
    private readonly webhooks: WebhookRepository,
    @InjectConfig(abuseCasesConfig) private readonly config: ConfigOf<typeof abuseCasesConfig>,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
    private readonly sender: WebhookSender,
  ) {}

  onApplicationBootstrap(): void {
    this.polling = repeat(this.config.LATCHKEY_ABUSE_WEBHOOK_POLL_INTERVAL_MS, 'sending case webhooks', this.logger, () => this.dispatchDue());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.polling?.stop();
  }

  /** Sends every due delivery (up to a batch); returns how many were delivered. */
  async dispatchDue(): Promise<number> {
    const leaseMs = 2 * this.config.LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS + 1000;
    const due = await this.webhooks.claimDue(this.now(), leaseMs, BATCH);
    const outcomes = await Promise.all(due.map((delivery) => this.send(delivery)));
    return outcomes.filter(Boolean).length;
  }

  private async send(delivery: DueDelivery): Promise<boolean> {
    const webhook = await this.webhooks.of(delivery.isvId);
    if (webhook === undefined) {
      await this.webhooks.attemptFailed(delivery.id, 'the ISV has no webhook any more', undefined);
      return false;
    }
    const sentAt = this.now();
    let outcome: WebhookOutcome;
    try {
      const signature = new Webhook(webhook.secret).sign(delivery.id, sentAt, delivery.body);
      outcome = await this.sender.post(
        webhook.url,
        {
          'content-type': 'application/json',
          'user-agent': 'Latchkey-Webhooks/1',
          'webhook-id': delivery.id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': signature,
        },
        delivery.body,
      );
    } catch {
      // Signing failed (a stored secret that is not whsec_ base64; ours always are): nothing was sent, and retrying the
      // same secret cannot help. The sender itself never throws; the error's text stays out of the record.
      outcome = { delivered: false, failure: 'signing failed', retry: false };
    }
    if (outcome.delivered) {
      await this.webhooks.delivered(delivery.id, this.now());
      this.logger.log({
        msg: 'case webhook delivered',
        deliveryId: delivery.id,
        caseId: delivery.caseId,
        isvId: delivery.isvId,
        attempts: delivery.attempts,
      });
      return true;
    }
    const { failure } = outcome;
    // A refused destination fails for good at once: the URL or what its name resolves to must change first, and an
    // operator sees it in the case; retrying for a day would only knock on the same door 33 times.
    const last = !outcome.retry || delivery.attempts >= this.config.LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS;
    await this.webhooks.attemptFailed(delivery.id, failure, last ? undefined : new Date(this.now().getTime() + backoffMs(delivery.attempts)));
    this.logger.warn({
      msg: last ? 'case webhook failed for good' : 'case webhook attempt failed',
      deliveryId: delivery.id,
      caseId: delivery.caseId,
      isvId: delivery.isvId,
      attempts: delivery.attempts,
      failure,
    });
    return false;
  }
}
