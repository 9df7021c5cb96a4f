import { ExchangeDeniedV1, type EventEnvelope } from '@latchkey/contracts';
import { BurstRule, type BurstSighting } from './burst-rule';
import { dataOf } from './rule-support';

/**
 * A burst of token-exchange refusals for one OAuth `client_id`: an
 * application probing scopes or tenants, or a misconfigured one hammering.
 * A refusal that names no well-formed `client_id` has no subject to count
 * against and is left to audit.
 */
export class ExchangeDenialsRule extends BurstRule {
  static readonly ID = 'exchange-denials';
  readonly id = ExchangeDenialsRule.ID;
  readonly types = [ExchangeDeniedV1.type];
  protected readonly severity = 'medium';

  protected sighting(event: EventEnvelope): BurstSighting | undefined {
    const data = dataOf(ExchangeDeniedV1, event);
    if (data?.clientId == null) return undefined;
    const clientId = data.clientId;
    return {
      key: clientId,
      subject: { kind: 'oauth-application', id: clientId },
      isvId: null,
      resourceId: null,
      explain: (count, window) =>
        `Client ${clientId} was refused ${count} token exchanges within ${window} (threshold ${this.config.threshold}); the latest for ${data.reason}.`,
    };
  }
}
