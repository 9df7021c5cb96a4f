import type { KeyRingEntry } from './key-ring-entry';
import { TokenError } from './token-error';

/** How often keys rotate and how long their tokens can live, in seconds. */
export type RotationPolicy = {
  /** Age at which the active key is replaced by a new one. */
  readonly rotateEvery: number;
  /**
   * Longest time a token signed by a key can be accepted after the key's
   * `notAfter`: the longest token lifetime plus the verifiers' clock
   * tolerance (for LATs: 86 400 + 5), plus however long other issuer
   * instances may keep signing with a key after it was rotated out (their
   * key-ring reload interval), since their tokens are later than `notAfter`.
   */
  readonly maxTokenLifetime: number;
};

/** What the key-rotation job should do now, and when to look again. */
export type RotationPlan = {
  /** Whether a new active key is due (no active key, or it reached `rotateEvery`). */
  readonly createKeyNow: boolean;
  /** When the active key is due for replacement (`now` when there is none). */
  readonly createKeyAt: Date;
  /** kids of retiring keys whose last possible token has expired: mark them retired. */
  readonly dropNow: readonly string[];
  /** The earliest moment a retiring key that must stay becomes droppable, if any. */
  readonly nextDropAt: Date | null;
  /** When the plan changes next without any other event: run the job again then. */
  readonly nextReviewAt: Date;
};

/**
 * Plans key rotation, purely from the ring and the clock. A retiring key
 * may leave the JWKS only once every token it could have signed is expired:
 * at `notAfter + maxTokenLifetime`, never earlier, else verifiers would
 * refuse valid tokens as signed by an unknown key. Idempotent, so any
 * instance may run it on a timer (the database decides who writes).
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for a non-positive policy,
 *   `TOKENS.KEY_RING_INVALID` for more than one active key.
 */
export function planRotation(entries: readonly KeyRingEntry[], now: Date, policy: RotationPolicy): RotationPlan {
  assertPositiveSeconds('rotateEvery', policy.rotateEvery);
  assertPositiveSeconds('maxTokenLifetime', policy.maxTokenLifetime);
  const actives = entries.filter((e) => e.status === 'active');
  if (actives.length > 1) {
    throw new TokenError('TOKENS.KEY_RING_INVALID', `a key ring needs at most one active key to plan, not ${actives.length}`);
  }
  const [active] = actives;
  const nowMs = now.getTime();
  const createKeyAtMs = active === undefined ? nowMs : active.key.createdAt.getTime() + policy.rotateEvery * 1000;

  const dropNow: string[] = [];
  let nextDropAtMs = Infinity;
  for (const entry of entries) {
    if (entry.status !== 'retiring') continue;
    const droppableAtMs = entry.notAfter.getTime() + policy.maxTokenLifetime * 1000;
    if (droppableAtMs <= nowMs) dropNow.push(entry.key.kid);
    else nextDropAtMs = Math.min(nextDropAtMs, droppableAtMs);
  }

  const nextDropAt = Number.isFinite(nextDropAtMs) ? new Date(nextDropAtMs) : null;
  return {
    createKeyNow: createKeyAtMs <= nowMs,
    createKeyAt: new Date(createKeyAtMs),
    dropNow,
    nextDropAt,
    nextReviewAt: new Date(Math.min(createKeyAtMs, nextDropAtMs)),
  };
}

function assertPositiveSeconds(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} must be a positive number of seconds`);
  }
}
