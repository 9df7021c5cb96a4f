import {
  AbuseAlertV1,
  AccessRevocationV1,
  ExchangeCompletedV1,
  ExchangeDeniedV1,
  LatIssueDeniedV1,
  LatIssuedV1,
  LatRejectedV1,
  LatUsedV1,
  RbacDeniedV1,
} from '@latchkey/contracts';

/**
 * What an event says happened, as the `outcome` facet spells it:
 * `issued` (lat.issued), `served` (lat.used), `denied` (lat.issue-denied,
 * lat.rejected, exchange.denied, rbac.denied), `exchanged`
 * (exchange.completed), `revoked` / `reinstated` (access.revocation, by its
 * action), `alerted` (abuse.alert). Other events (identity.created,
 * rbac.changed) have none.
 */
export const AUDIT_OUTCOMES = ['issued', 'served', 'denied', 'exchanged', 'revoked', 'reinstated', 'alerted'] as const;

/** One of {@link AUDIT_OUTCOMES}. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** A CloudEvents type as an SQL literal; contract types match `com.latchkey.<area>.<name>.v<N>`, so no quoting is needed. */
const lit = (definition: { readonly type: string }): string => `'${definition.type}'`;

const REVOCATION = `type = ${lit(AccessRevocationV1)}`;
const ALERT_ABOUT = (kind: string) => `type = ${lit(AbuseAlertV1)} AND data->'subject'->>'kind' = '${kind}'`;
const W3C_TRACEPARENT = `'^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'`;

/**
 * The SQL of the generated facet columns of `audit.events` (migration
 * 0003): immutable expressions over the stored `type`, `data` and
 * `traceparent`, so a facet is whatever the hashed data says. Where each
 * contract keeps the value:
 *
 * - `isv_id`: `data.isvId` (lat.*, abuse.alert), else an access.revocation's
 *   `subject.isvId` (kinds isv, isv-client).
 * - `resource_id`: `data.resourceId` (lat.*, abuse.alert), an
 *   access.revocation's `subject.resourceId`, or an abuse.alert about a
 *   resource; lower-cased, as Azure resource ids are case-insensitive.
 * - `jti`: `data.jti` (lat.*, exchange.completed), a revocation's
 *   `subject.jti`, or an abuse.alert about a jti.
 * - `person_id`: `data.personId` (exchange.completed, identity.created), a
 *   revocation's `subject.personId`, an rbac.denied's `subject` when its
 *   `subjectKind` is `person`, or an abuse.alert about a person.
 * - `outcome`: see {@link AUDIT_OUTCOMES}.
 * - `reason`: `data.reason` (the denials, access.revocation).
 * - `trace_id`: `data.traceId` (lat.used, lat.rejected), else the trace id
 *   of the event's W3C `traceparent` (never the all-zero one).
 *
 * Changing one is a migration (a generated expression cannot be altered in
 * place), and so is a new contract version that moves a field.
 */
export const FACET_SQL = {
  isvId: `COALESCE(data->>'isvId', CASE WHEN ${REVOCATION} THEN data->'subject'->>'isvId' END)`,
  resourceId:
    `lower(COALESCE(data->>'resourceId', CASE WHEN ${REVOCATION} THEN data->'subject'->>'resourceId' ` +
    `WHEN ${ALERT_ABOUT('resource')} THEN data->'subject'->>'id' END))`,
  jti: `COALESCE(data->>'jti', CASE WHEN ${REVOCATION} THEN data->'subject'->>'jti' WHEN ${ALERT_ABOUT('jti')} THEN data->'subject'->>'id' END)`,
  personId:
    `COALESCE(data->>'personId', CASE WHEN ${REVOCATION} THEN data->'subject'->>'personId' ` +
    `WHEN type = ${lit(RbacDeniedV1)} AND data->>'subjectKind' = 'person' THEN data->>'subject' ` +
    `WHEN ${ALERT_ABOUT('person')} THEN data->'subject'->>'id' END)`,
  outcome:
    `CASE WHEN type = ${lit(LatIssuedV1)} THEN 'issued' WHEN type = ${lit(LatUsedV1)} THEN 'served' ` +
    `WHEN type IN (${[LatIssueDeniedV1, LatRejectedV1, ExchangeDeniedV1, RbacDeniedV1].map(lit).join(', ')}) THEN 'denied' ` +
    `WHEN type = ${lit(ExchangeCompletedV1)} THEN 'exchanged' ` +
    `WHEN ${REVOCATION} AND data->>'action' = 'revoke' THEN 'revoked' WHEN ${REVOCATION} AND data->>'action' = 'reinstate' THEN 'reinstated' ` +
    `WHEN type = ${lit(AbuseAlertV1)} THEN 'alerted' END`,
  reason: `data->>'reason'`,
  traceId:
    `COALESCE(data->>'traceId', CASE WHEN traceparent ~ ${W3C_TRACEPARENT} ` +
    `AND substr(traceparent, 4, 32) <> '${'0'.repeat(32)}' THEN substr(traceparent, 4, 32) END)`,
} as const;
