import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId } from '../shared/azure-resource-id';
import { IsvId } from '../shared/ids';
import { reasonCode } from '../shared/reason-code';
import { ClientIp, UserAgent } from '../shared/request-context';
import { Topics } from '../topics';

/** Partition key and subject of denials whose subscription key matched no ISV. */
const UNKNOWN = 'unknown';

/**
 * The issuer refused to issue a token. Every field but `reason` describes
 * an untrusted request: producers set a field to null when the request did
 * not yield a valid value, and cap `requestedFeatures` (feature probing is
 * visible as unknown flags, so they are kept, bounded).
 */
export const LatIssueDeniedV1 = defineEvent({
  type: 'com.latchkey.lat.issue-denied.v1',
  topic: Topics.LatIssueDenied,
  data: z.object({
    /** Null when the subscription key is missing or unknown. */
    isvId: IsvId.nullable(),
    resourceId: AzureResourceId.nullable(),
    /** As requested, possibly unknown flags: at most 16, each at most 64 characters. */
    requestedFeatures: z.array(z.string().max(64)).max(16),
    /** An {@link IssuerDenialReason}, e.g. `ISSUER.FEATURE_NOT_GRANTED`. */
    reason: reasonCode('ISSUER'),
    clientIp: ClientIp.nullable(),
    userAgent: UserAgent.nullable(),
  }),
  key: (data) => data.isvId ?? UNKNOWN,
  subject: (data) => data.isvId ?? UNKNOWN,
});
