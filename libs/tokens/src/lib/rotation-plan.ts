import type { KeyRingEntry } from './key-ring-entry';
import { TokenError } from './token-error';

/** How often keys rotate, how far ahead the next key is published and how long tokens can live, in seconds. */
export type RotationPolicy = {
  /** Age at which the active key is replaced by a new one. */
  readonly rotateEvery: number;
  /**
   * How long a next key is published before it may sign: longer than any
   * verifier can go without having fetched it (the issuer instances' ring
   * reload interval, plus the JWKS HTTP cache lifetime, plus the verifiers'
   * refetch cooldown), so no verifier meets a token whose key it has not
   * seen and may not yet refetch.
   */
  readonly prepublish: number;
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
  /**
   * No key signs: one must sign at once (a first start, or the active key
   * retired in an emergency). The next key, if any, takes over early (it has
   * been published for a while at least); else a new key.
   */
  readonly createKeyNow: boolean;
  /** Publish a next key now: the active key is due for replacement within `prepublish` and no next key exists. */
  readonly prepareNextNow: boolean;
  /** When a next key prepared now may take over: when the active key is due, and never before `prepublish` has passed. */
  readonly nextActivatesAt: Date | null;
  /** The next key's kid when it may sign from now on (it reached its `activateAt` and has been published for `prepublish`). */
  readonly activateNow: string | null;
  /** kids of retiring keys whose last possible token has expired: mark them retired. */
  readonly dropNow: readonly string[];
  /** The earliest moment a retiring key that must stay becomes droppable, if any. */
  readonly nextDropAt: Date | null;
  /** When something next becomes due once this plan's actions are done (without any other event): run the job again then. */
  readonly nextReviewAt: Date;
};

/**
 * Plans key rotation, purely from the ring and the clock. A new key is
 * published `prepublish` seconds before it signs, so a verifier that cached
 * the JWKS just before the switch already holds it. A retiring key may leave
 * the JWKS only once every token it could have signed is expired: at
 * `notAfter + maxTokenLifetime`, never earlier, else verifiers would refuse
 * valid tokens as signed by an unknown key. Idempotent, so any instance may
 * run it on a timer (the database decides who writes).
 *
 * @throws TokenError `TOKENS.INPUT_INVALID` for a non-positive policy,
 *   `TOKENS.KEY_RING_INVALID` for more than one active or next key.
 */
export function planRotation(entries: readonly KeyRingEntry[], now: Date, policy: RotationPolicy): RotationPlan {
  assertPositiveSeconds('rotateEvery', policy.rotateEvery);
  assertPositiveSeconds('prepublish', policy.prepublish);
  assertPositiveSeconds('maxTokenLifetime', policy.maxTokenLifetime);
  const actives = entries.filter((e) => e.status === 'active');
  const nexts = entries.filter((e) => e.status === 'next');
  if (actives.length > 1 || nexts.length > 1) {
    throw new TokenError('TOKENS.KEY_RING_INVALID', `a key ring needs at most one active and one next key to plan, not ${actives.length} and ${nexts.length}`);
  }
  const [active] = actives;
  const [next] = nexts;
  const nowMs = now.getTime();
  const reviews: number[] = [];

  // The active key's replacement: a next key published `prepublish` before the active key is due.
  const dueMs = active === undefined ? nowMs : active.key.createdAt.getTime() + policy.rotateEvery * 1000;
  const prepareAtMs = dueMs - policy.prepublish * 1000;
  const prepareNextNow = active !== undefined && next === undefined && prepareAtMs <= nowMs;
  if (active !== undefined && next === undefined && !prepareNextNow) reviews.push(prepareAtMs);

  const nextActivatesAtMs = Math.max(dueMs, nowMs + policy.prepublish * 1000);
  if (prepareNextNow) reviews.push(nextActivatesAtMs);

  let activateNow: string | null = null;
  if (next?.status === 'next') {
    // Never before it has been published for `prepublish`, whatever activateAt says.
    const activateAtMs = Math.max(next.activateAt.getTime(), next.key.createdAt.getTime() + policy.prepublish * 1000);
    if (activateAtMs <= nowMs) {
      activateNow = next.key.kid;
      reviews.push(next.key.createdAt.getTime() + (policy.rotateEvery - policy.prepublish) * 1000); // its own successor
    } else reviews.push(activateAtMs);
  }

  const dropNow: string[] = [];
  let nextDropAtMs = Infinity;
  for (const entry of entries) {
    if (entry.status !== 'retiring') continue;
    const droppableAtMs = entry.notAfter.getTime() + policy.maxTokenLifetime * 1000;
    if (droppableAtMs <= nowMs) dropNow.push(entry.key.kid);
    else nextDropAtMs = Math.min(nextDropAtMs, droppableAtMs);
  }
  if (Number.isFinite(nextDropAtMs)) reviews.push(nextDropAtMs);

  const createKeyNow = active === undefined && activateNow === null;
  if (createKeyNow) reviews.push(nowMs + (policy.rotateEvery - policy.prepublish) * 1000);
  return {
    createKeyNow,
    prepareNextNow,
    nextActivatesAt: prepareNextNow ? new Date(nextActivatesAtMs) : null,
    activateNow,
    dropNow,
    nextDropAt: Number.isFinite(nextDropAtMs) ? new Date(nextDropAtMs) : null,
    nextReviewAt: new Date(Math.min(...reviews)),
  };
}

function assertPositiveSeconds(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TokenError('TOKENS.INPUT_INVALID', `${name} must be a positive number of seconds`);
  }
}
