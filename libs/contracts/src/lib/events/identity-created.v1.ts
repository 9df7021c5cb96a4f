import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Guid, PersonId } from '../shared/ids';
import { Topics } from '../topics';

/** The exchange saw an Entra identity (`tid`, `oid`) for the first time and created its person. */
export const IdentityCreatedV1 = defineEvent({
  type: 'com.latchkey.identity.created.v1',
  topic: Topics.IdentityCreated,
  data: z.object({
    personId: PersonId,
    tenantId: Guid,
    objectId: Guid,
    displayName: z.string().max(256).nullable(),
  }),
  key: (data) => data.personId,
  subject: (data) => data.personId,
});
