import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Identifier } from '../shared/ids';
import { Topics } from '../topics';

/** The kinds of policy change. */
export const RBAC_CHANGE_KINDS = [
  'role.upserted',
  'role.deleted',
  'assignment.added',
  'assignment.removed',
  'permission.upserted',
  'endpoint.registered',
] as const;

/** One of {@link RBAC_CHANGE_KINDS}. */
export type RbacChangeKind = (typeof RBAC_CHANGE_KINDS)[number];

/** The single partition key of policy changes. */
const RBAC_KEY = 'rbac';

/**
 * The RBAC policy changed; every local decision cache drops what it holds
 * about the ids named. One partition key for all changes gives them a total
 * order, and `version` (strictly increasing) lets a cache tell a stale
 * change from a new one.
 */
export const RbacChangedV1 = defineEvent({
  type: 'com.latchkey.rbac.changed.v1',
  topic: Topics.RbacChanged,
  data: z.object({
    change: z.enum(RBAC_CHANGE_KINDS),
    /**
     * The ids the change touches, by kind: `{ roleId, subjectId, ... }`.
     * Names are camelCase and end in `Id`, which keeps record keys (data)
     * out of the dead-letter reasons' paths.
     */
    ids: z
      .record(z.string().regex(/^[a-z][a-zA-Z0-9]{0,29}Id$/), Identifier)
      .refine((ids) => Object.keys(ids).length <= 16, { message: 'at most 16 ids' }),
    version: z.number().int().positive(),
  }),
  key: () => RBAC_KEY,
  subject: (data) => `policy/${data.version}`,
});
