import { envOperatorKey } from '@latchkey/access-guards';
import { defineConfigSlice, envInteger } from '@latchkey/config';

/**
 * The face-api's own settings: the operator key of its admin API (optional,
 * like the issuer's: without it on PostgreSQL only the admin API is off) and
 * how long an instance trusts its memory of which key belongs to which
 * client resource.
 */
export const faceApiConfig = defineConfigSlice('face-api', {
  LATCHKEY_FACE_API_OPERATOR_KEY: envOperatorKey().describe(
    'The operator’s bearer key for the face-api admin API (`Authorization: Bearer <key>` on /admin/v1/client-resources), at least 32 characters: the break-glass credential beside operators’ tokens (docs/RBAC.md “Operators”), for bootstrap and for an outage of the exchange. Generated under LATCHKEY_DATA_DIR when embedded. With DATABASE_URL and unset, only operators’ tokens open the admin API.',
  ),
  LATCHKEY_FACE_API_CACHE_TTL_MS: envInteger({ min: 0, max: 60_000 })
    .default(1000)
    .describe(
      'How long an instance may answer from memory which client resource a subscription key belongs to (unknown keys too) before reading it again; bounds how late another instance sees a created, rotated or deleted key. 0 reads every time.',
    ),
});
