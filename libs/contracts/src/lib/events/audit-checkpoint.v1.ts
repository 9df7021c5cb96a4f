import { z } from 'zod';
import { Sha256Hex } from '../claims/audit-checkpoint.claims';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';

/** A compact JWS: three base64url segments. */
const CompactJws = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

/**
 * The audit service signed a checkpoint of its hash chain. The event carries
 * the checkpoint itself (`lk-audit-checkpoint+jwt`, verifiable with the audit
 * service's public key alone), so a copy of every checkpoint lives outside
 * the audit database. Keyed by the signer, so checkpoints stay in order. Not
 * ingested into the chain it describes.
 */
export const AuditCheckpointV1 = defineEvent({
  type: 'com.latchkey.audit.checkpoint.v1',
  topic: Topics.AuditCheckpoint,
  data: z.object({
    /** The checkpoint's `iss`: the audit service that signed it. */
    issuer: z.string().min(1).max(256),
    treeSize: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    headHash: Sha256Hex,
    checkpoint: CompactJws,
  }),
  key: (data) => data.issuer,
  subject: (data) => String(data.treeSize),
});
