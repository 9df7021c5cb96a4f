import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AzureResourceId, RESOURCE_ID_MAX } from '../shared/azure-resource-id';
import { AlertId, EventId, Identifier, IsvId } from '../shared/ids';
import { IsoDateTime } from '../shared/iso-datetime';
import { Topics } from '../topics';

/** How urgent an alert is; above a threshold the detector revokes. */
export const ALERT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/** What an alert is about. */
export const ALERT_SUBJECT_KINDS = ['isv', 'resource', 'jti', 'person', 'oauth-application', 'client-ip'] as const;

/**
 * The abuse detector raised an alert. `evidenceEventIds` name the events
 * (CloudEvents ids, as stored by audit) that triggered the rule. Keyed by
 * ISV when known, so one ISV's alerts stay in order.
 */
export const AbuseAlertV1 = defineEvent({
  type: 'com.latchkey.abuse.alert.v1',
  topic: Topics.AbuseAlert,
  data: z
    .object({
      alertId: AlertId,
      ruleId: Identifier,
      severity: z.enum(ALERT_SEVERITIES),
      subject: z.object({
        kind: z.enum(ALERT_SUBJECT_KINDS),
        // Long enough for a resource id.
        id: z
          .string()
          .min(1)
          .max(RESOURCE_ID_MAX)
          .regex(/^[\x21-\x7e]+$/),
      }),
      isvId: IsvId.nullable(),
      resourceId: AzureResourceId.nullable(),
      count: z.number().int().positive(),
      evidenceEventIds: z.array(EventId).max(100),
      /** For security operations, in plain words; never a token or a key. */
      explanation: z.string().max(2000),
      firstSeenAt: IsoDateTime,
      lastSeenAt: IsoDateTime,
    })
    .refine((d) => Date.parse(d.lastSeenAt) >= Date.parse(d.firstSeenAt), {
      message: 'lastSeenAt must not be before firstSeenAt',
      path: ['lastSeenAt'],
    }),
  key: (data) => data.isvId ?? data.subject.id,
  subject: (data) => data.alertId,
});
