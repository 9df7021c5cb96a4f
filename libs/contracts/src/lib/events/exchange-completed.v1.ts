import { z } from 'zod';
import { ScopeToken } from '../claims/internal-access-token.claims';
import { defineEvent } from '../define-event';
import { ClientId, Guid, Jti, PersonId } from '../shared/ids';
import { IsoDateTime } from '../shared/iso-datetime';
import { Topics } from '../topics';

/**
 * The exchange minted an internal access token for an Entra token. Keyed
 * by OAuth application. Carries the lineage (person, tenant, object, source
 * token) that revocation cascades follow.
 */
export const ExchangeCompletedV1 = defineEvent({
  type: 'com.latchkey.exchange.completed.v1',
  topic: Topics.ExchangeCompleted,
  data: z.object({
    /** `jti` of the internal access token. */
    jti: Jti,
    personId: PersonId,
    /** Entra `tid`. */
    tenantId: Guid,
    /** Entra `oid`. */
    objectId: Guid,
    clientId: ClientId,
    scopes: z.array(ScopeToken).max(32),
    /** Entra `uti` of the source token, when it had one. */
    sourceTokenId: z.string().min(1).max(128).nullable(),
    expiresAt: IsoDateTime,
  }),
  key: (data) => data.clientId,
  subject: (data) => data.jti,
});
