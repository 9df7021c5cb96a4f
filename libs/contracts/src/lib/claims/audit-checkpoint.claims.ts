import { z } from 'zod';
import { Jti } from '../shared/ids';
import { NumericDate } from './numeric-date';

/** The JOSE `typ` of a signed audit checkpoint: no other token profile is ever accepted as one, nor one as a token. */
export const AUDIT_CHECKPOINT_TYP = 'lk-audit-checkpoint+jwt';

/** The `aud` of every audit checkpoint: whoever verifies the audit log. */
export const AUDIT_CHECKPOINT_AUDIENCE = 'urn:latchkey:audit';

/** A SHA-256 digest in lower-case hex (chain hashes and checkpoint digests). */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * A signed statement of the audit service: "at `iat`, my chain held
 * `tree_size` rows and row `tree_size` had hash `head_hash`", linked to the
 * checkpoint before it by `prev` (the SHA-256 of that checkpoint's compact
 * JWS; 64 zeros for the first). Checkpoints never expire: they are
 * evidence, checked against the audit service's public key years later.
 */
export const AuditCheckpointClaimsSchema = z.object({
  iss: z.string().min(1).max(256),
  aud: z.literal(AUDIT_CHECKPOINT_AUDIENCE),
  iat: NumericDate,
  jti: Jti,
  tree_size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  head_hash: Sha256Hex,
  prev: Sha256Hex,
});

export type AuditCheckpointClaims = z.infer<typeof AuditCheckpointClaimsSchema>;
