import { z } from 'zod';
import { ClientIp, UserAgent } from '../shared/request-context';
import { defineEvent } from '../define-event';
import { AzureResourceId } from '../shared/azure-resource-id';
import { FeatureFlagSet } from '../shared/feature-flag';
import { IsvId, Jti, JwkThumbprint, KeyId } from '../shared/ids';
import { IsoDateTime } from '../shared/iso-datetime';
import { Topics } from '../topics';

/**
 * The issuer signed a limited access token. Keyed by ISV, so one ISV's
 * issuances stay in order (issuance-burst rules, audit).
 */
export const LatIssuedV1 = defineEvent({
  type: 'com.latchkey.lat.issued.v1',
  topic: Topics.LatIssued,
  data: z
    .object({
      jti: Jti,
      isvId: IsvId,
      /** The client's resource, canonical form: the token's `aud`. */
      resourceId: AzureResourceId,
      features: FeatureFlagSet,
      issuedAt: IsoDateTime,
      expiresAt: IsoDateTime,
      /** `kid` of the signing key, so a signing-key revocation can be traced to its tokens. */
      keyId: KeyId,
      /** Added within v1 (optional, so older producers stay valid): the granted `expiredTime`. */
      lifetimeSeconds: z.number().int().positive().optional(),
      /** Added within v1: who asked (the ISV backend's address and user agent). */
      clientIp: ClientIp.nullable().optional(),
      userAgent: UserAgent.nullable().optional(),
      /** Added within v1: the DPoP key the token is bound to (its `cnf.jkt`), for sender-constrained tokens. */
      cnfJkt: JwkThumbprint.optional(),
    })
    .refine((d) => Date.parse(d.expiresAt) > Date.parse(d.issuedAt), {
      message: 'expiresAt must be after issuedAt',
      path: ['expiresAt'],
    }),
  key: (data) => data.isvId,
  subject: (data) => data.jti,
});
