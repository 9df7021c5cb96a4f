import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId, canonicalResourceId } from '../shared/azure-resource-id';
import { FeatureFlag } from '../shared/feature-flag';
import { IsvId, Jti } from '../shared/ids';
import { reasonCode } from '../shared/reason-code';
import { ClientIp, Operation, TraceId, UserAgent } from '../shared/request-context';
import { Topics } from '../topics';

const UNKNOWN = 'unknown';

/**
 * A resource server refused a gated call. The token may be malformed or
 * forged: `jti` and `isvId` are what it claimed (null when it claimed
 * nothing valid), never trusted for anything but detection. `resourceId`
 * is the resource of the presented key, null when the key was unknown.
 */
export const LatRejectedV1 = defineEvent({
  type: 'com.latchkey.lat.rejected.v1',
  topic: Topics.LatRejected,
  data: z.object({
    jti: Jti.nullable(),
    isvId: IsvId.nullable(),
    resourceId: AzureResourceId.nullable(),
    operation: Operation,
    feature: FeatureFlag.nullable(),
    /** A {@link LatRejectionReason}, e.g. `LAT.EXPIRED`. */
    reason: reasonCode('LAT'),
    clientIp: ClientIp,
    userAgent: UserAgent.nullable(),
    traceId: TraceId.nullable(),
  }),
  key: (data) => (data.resourceId === null ? UNKNOWN : canonicalResourceId(data.resourceId)),
  subject: (data) => data.jti ?? UNKNOWN,
});
