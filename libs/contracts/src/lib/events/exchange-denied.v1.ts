import { z } from 'zod';
import { defineEvent } from '../define-event';
import { ClientId, Guid } from '../shared/ids';
import { reasonCode } from '../shared/reason-code';
import { ClientIp } from '../shared/request-context';
import { Topics } from '../topics';

const UNKNOWN = 'unknown';

/**
 * The exchange refused a request. `clientId` and `tenantId` are as
 * presented (null when absent or not well formed), never trusted.
 */
export const ExchangeDeniedV1 = defineEvent({
  type: 'com.latchkey.exchange.denied.v1',
  topic: Topics.ExchangeDenied,
  data: z.object({
    clientId: ClientId.nullable(),
    tenantId: Guid.nullable(),
    /** An {@link ExchangeDenialReason}, e.g. `EXCHANGE.SCOPE_NOT_ALLOWED`. */
    reason: reasonCode('EXCHANGE'),
    clientIp: ClientIp.nullable(),
  }),
  key: (data) => data.clientId ?? UNKNOWN,
  subject: (data) => data.clientId ?? UNKNOWN,
});
