import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId, canonicalResourceId } from '../shared/azure-resource-id';
import { FeatureFlag } from '../shared/feature-flag';
import { IsvId, Jti } from '../shared/ids';
import { ClientIp, Operation, TraceId, UserAgent } from '../shared/request-context';
import { Topics } from '../topics';

/**
 * A resource server served a gated operation on a limited access token.
 * Keyed by resource (canonical form), so the uses of one resource stay in
 * order for the abuse rules.
 */
export const LatUsedV1 = defineEvent({
  type: 'com.latchkey.lat.used.v1',
  topic: Topics.LatUsed,
  data: z.object({
    jti: Jti,
    isvId: IsvId,
    resourceId: AzureResourceId,
    /** The gated operation, e.g. `face.identify`. */
    operation: Operation,
    /** The feature the operation required (one of the token's `features`). */
    feature: FeatureFlag,
    outcome: z.literal('served'),
    clientIp: ClientIp,
    userAgent: UserAgent.nullable(),
    traceId: TraceId.nullable(),
  }),
  key: (data) => canonicalResourceId(data.resourceId),
  subject: (data) => data.jti,
});
