import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import { catalogueHistogram } from '@latchkey/telemetry';
import { GatewayRequestError } from '../gateway/gateway-request';
import { OAuthError } from '../oauth/oauth-error';
import { ExchangeRefusal } from './exchange-refusal';
import { EXCHANGE_WIRE_ERRORS } from './exchange-wire-errors';

/** The surface an exchange came through: `POST /oauth2/token` or the gateway. */
export type ExchangeMode = 'token-endpoint' | 'gateway';

/** How one exchange ended. `reason` is a wire code from a bounded set (never a client id, tenant or token). */
export type ExchangeEnding = { readonly outcome: 'exchanged' } | { readonly outcome: 'refused'; readonly reason: string };

/** One exchange being timed: record how it ended, once. */
export interface ExchangeTiming {
  end(ending: ExchangeEnding): void;
}

/**
 * Records `latchkey.exchange.duration` (docs/EXCHANGE.md "Metrics"): the time
 * of one exchange, by mode, outcome and reason (`none` when exchanged). What
 * is timed is up to each surface, which starts the clock when its exchange
 * begins and stops it when its answer is decided, before any upstream call.
 * The histogram is created with this provider, at bootstrap, after
 * `@latchkey/telemetry/register` started the SDK.
 */
@Injectable()
export class ExchangeMetrics {
  private readonly duration = catalogueHistogram('exchangeDuration');

  /** Starts the clock of one exchange; a second `end` is ignored, so a refusal after an answer is not counted twice. */
  start(mode: ExchangeMode): ExchangeTiming {
    const startedAt = performance.now();
    let ended = false;
    return {
      end: (ending) => {
        if (ended) return;
        ended = true;
        const reason = ending.outcome === 'refused' ? ending.reason : 'none';
        this.duration.record(performance.now() - startedAt, { mode, outcome: ending.outcome, reason });
      },
    };
  }
}

/**
 * The reason a refusal at `POST /oauth2/token` is labelled with: the RFC 6749
 * `error` its body carries (`invalid_request`, `invalid_client`,
 * `temporarily_unavailable`, …), as the exception filter renders it.
 */
export function tokenEndpointReason(error: unknown): string {
  if (error instanceof OAuthError) return error.error;
  // Every code the token endpoint can raise names its OAuth error; the gateway's own two (ApiUnknown, UpstreamFailed) never reach it.
  if (error instanceof ExchangeRefusal) return EXCHANGE_WIRE_ERRORS[error.code].oauthError ?? 'invalid_request';
  return 'server_error';
}

/**
 * The reason a refusal at the gateway is labelled with: the `innererror.code`
 * of its Azure-shaped body (`TokenExpired`, `ClientUnknown`,
 * `IdentityProviderUnavailable`, …). Anything else is answered 500 without one,
 * and labelled with the top-level code it gets.
 */
export function gatewayReason(error: unknown): string {
  if (error instanceof ExchangeRefusal || error instanceof GatewayRequestError) {
    const wire = EXCHANGE_WIRE_ERRORS[error.code];
    return wire.azureInnerCode ?? wire.azureCode;
  }
  return 'InternalServerError';
}
