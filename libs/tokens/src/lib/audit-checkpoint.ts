import { createHash, randomUUID } from 'node:crypto';
import { AUDIT_CHECKPOINT_AUDIENCE, AUDIT_CHECKPOINT_TYP, AuditCheckpointClaimsSchema, type AuditCheckpointClaims } from '@latchkey/contracts';
import { numericDate, signJwt, type SignedToken } from './sign-jwt';
import type { SigningKey } from './signing-key';
import { TokenError } from './token-error';
import { verifyJwt, type TokenProfile, type VerificationKeys } from './verify-jwt';

/** The `prev` of the first checkpoint. */
export const FIRST_CHECKPOINT_PREV = '0'.repeat(64);

const AUDIT_CHECKPOINT_PROFILE: TokenProfile<AuditCheckpointClaims> = {
  typ: AUDIT_CHECKPOINT_TYP,
  schema: AuditCheckpointClaimsSchema,
  requiredClaims: ['iat', 'jti', 'aud', 'tree_size', 'head_hash', 'prev'],
  // No maximum age: a checkpoint is evidence, verified long after it was signed.
};

/** What the audit service states in a checkpoint. */
export interface AuditCheckpointInput {
  /** The audit service's identity (the checkpoint's `iss`). */
  readonly issuer: string;
  readonly treeSize: number;
  readonly headHash: string;
  /** The previous checkpoint's compact JWS, or undefined for the first. */
  readonly previous: string | undefined;
  readonly now: Date;
}

/** The digest a checkpoint's successor names in `prev`: SHA-256 of its compact JWS, hex. */
export function checkpointDigest(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('hex');
}

/**
 * Signs an audit checkpoint (`typ: lk-audit-checkpoint+jwt`) with the audit
 * service's own key.
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` when the statement does not fit the profile.
 */
export function signAuditCheckpoint(input: AuditCheckpointInput, key: SigningKey): Promise<SignedToken<AuditCheckpointClaims>> {
  return signJwt(
    key,
    { typ: AUDIT_CHECKPOINT_TYP, schema: AuditCheckpointClaimsSchema },
    {
      iss: input.issuer,
      aud: AUDIT_CHECKPOINT_AUDIENCE,
      iat: numericDate(input.now),
      jti: randomUUID(),
      tree_size: input.treeSize,
      head_hash: input.headHash,
      prev: input.previous === undefined ? FIRST_CHECKPOINT_PREV : checkpointDigest(input.previous),
    },
  );
}

/** Where a checkpoint sequence fails, and why. */
export class CheckpointSequenceError extends Error {
  constructor(
    /** The index of the first checkpoint that does not verify or does not follow its predecessor. */
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'CheckpointSequenceError';
  }
}

/**
 * Verifies checkpoints in the order they were signed, with only the audit
 * service's public keys: each signature, `typ`, `iss` and claims; each
 * `prev` names the one before it (so none can be dropped, reordered or
 * slipped in); tree sizes never shrink. Returns their claims.
 *
 * @throws CheckpointSequenceError naming the first checkpoint that fails
 */
export async function verifyCheckpointSequence(
  tokens: readonly string[],
  options: { readonly keys: VerificationKeys; readonly issuer: string },
): Promise<AuditCheckpointClaims[]> {
  const verified: AuditCheckpointClaims[] = [];
  let prev = FIRST_CHECKPOINT_PREV;
  let treeSize = 0;
  for (const [index, token] of tokens.entries()) {
    let claims: AuditCheckpointClaims;
    try {
      ({ claims } = await verifyJwt(token, AUDIT_CHECKPOINT_PROFILE, {
        jwks: options.keys,
        issuer: options.issuer,
        audience: AUDIT_CHECKPOINT_AUDIENCE,
      }));
    } catch (error) {
      if (error instanceof TokenError) throw new CheckpointSequenceError(index, `checkpoint ${index + 1} does not verify: ${error.message}`);
      throw error;
    }
    if (claims.prev !== prev) throw new CheckpointSequenceError(index, `checkpoint ${index + 1} does not follow checkpoint ${index}`);
    if (claims.tree_size < treeSize) throw new CheckpointSequenceError(index, `checkpoint ${index + 1} counts fewer rows than the one before it`);
    verified.push(claims);
    prev = checkpointDigest(token);
    treeSize = claims.tree_size;
  }
  return verified;
}
