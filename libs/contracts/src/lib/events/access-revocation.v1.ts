import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId, canonicalResourceId } from '../shared/azure-resource-id';
import { AlertId, ClientId, Guid, IsvId, Jti, KeyId, PersonId } from '../shared/ids';
import { IsoDateTime } from '../shared/iso-datetime';
import { reasonCode } from '../shared/reason-code';
import { Topics } from '../topics';

/**
 * What a revocation names (ARCHITECTURE.md "Revocation is a watermark"):
 * an ISV (covers all its clients' tokens), one ISV client (ISV + resource),
 * one token, a person, an OAuth application, a signing key, or an Entra
 * tenant (every exchange from it: its people's source tokens and the
 * internal tokens made from them).
 */
export const RevocationSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('isv'), isvId: IsvId }),
  z.object({ kind: z.literal('isv-client'), isvId: IsvId, resourceId: AzureResourceId }),
  z.object({ kind: z.literal('jti'), jti: Jti }),
  z.object({ kind: z.literal('person'), personId: PersonId }),
  z.object({ kind: z.literal('oauth-application'), clientId: ClientId }),
  z.object({ kind: z.literal('signing-key'), keyId: KeyId }),
  z.object({ kind: z.literal('tenant'), tenantId: Guid }),
]);

/** The subject of a revocation. */
export type RevocationSubject = z.infer<typeof RevocationSubjectSchema>;

/** One of the kinds of {@link RevocationSubject}. */
export type RevocationSubjectKind = RevocationSubject['kind'];

/** Escapes `%` and `:` so that `:` only ever separates the parts of a key. */
function part(value: string): string {
  return value.replace(/%/g, '%25').replace(/:/g, '%3A');
}

/**
 * The stable string of a revocation subject: `isv:<isvId>`,
 * `isv-client:<isvId>:<resourceId>`, `jti:<jti>`, `person:<personId>`,
 * `oauth-application:<clientId>`, `signing-key:<keyId>`, `tenant:<tid>` (lower
 * case: GUIDs are case-insensitive). It is the
 * partition key of the compacted `access.revocation` topic, so it must be
 * injective (two subjects never share a key, or compaction would drop one
 * of them) and canonical (one subject, one key, or compaction would keep a
 * stale one): the resource id is lower-cased (Azure ids are
 * case-insensitive) and `%` and `:` inside a part are percent-escaped, so
 * it holds for any strings, validated or not.
 */
export function revocationSubjectKey(subject: RevocationSubject): string {
  switch (subject.kind) {
    case 'isv':
      return `isv:${part(subject.isvId)}`;
    case 'isv-client':
      return `isv-client:${part(subject.isvId)}:${part(canonicalResourceId(subject.resourceId))}`;
    case 'jti':
      return `jti:${part(subject.jti)}`;
    case 'person':
      return `person:${part(subject.personId)}`;
    case 'oauth-application':
      return `oauth-application:${part(subject.clientId)}`;
    case 'signing-key':
      return `signing-key:${part(subject.keyId)}`;
    case 'tenant':
      return `tenant:${part(subject.tenantId.toLowerCase())}`;
  }
}

/**
 * A revocation watermark, or its lifting. `revoke`: verifiers refuse the
 * subject's tokens issued before `notBefore`, and the issuer mints none
 * for it. `reinstate`: issuance may resume; the record carries the
 * watermark on (the `notBefore` of the revocation it lifts), so a
 * reinstatement never revives a token issued before the revocation.
 * Compacted by {@link revocationSubjectKey}: the latest record per subject
 * is the state.
 */
export const AccessRevocationV1 = defineEvent({
  type: 'com.latchkey.access.revocation.v1',
  topic: Topics.AccessRevocation,
  data: z.object({
    subject: RevocationSubjectSchema,
    notBefore: IsoDateTime,
    action: z.enum(['revoke', 'reinstate']),
    /** Why, e.g. `ABUSE.FOREIGN_RESOURCE` or `ADMIN.MANUAL`. */
    reason: reasonCode(),
    /** The alert that caused it, when a rule did. */
    alertId: AlertId.nullable(),
    /** Who: an operator, or `rule:<ruleId>` for an automatic revocation. */
    actor: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[\x20-\x7e]+$/),
  }),
  key: (data) => revocationSubjectKey(data.subject),
  subject: (data) => revocationSubjectKey(data.subject),
});
