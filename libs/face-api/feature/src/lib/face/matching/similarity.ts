import { createHash } from 'node:crypto';

/** The vendor's default for verify's `isIdentical` (and ours for identify and matchPerson): same person at 0.5 or more. */
export const SAME_PERSON_THRESHOLD = 0.5;

/** How many distinct people the stand-in knows: every face and person id is one of them. */
const IDENTITIES = 8;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A number in [0, 1) drawn from `text`. */
function unit(text: string): number {
  return digest(text).readUInt32BE(0) / 2 ** 32;
}

/** The vendor reports confidences with 5 decimals. */
function round5(value: number): number {
  return Math.round(value * 100_000) / 100_000;
}

/** Which of the stand-in's people a face id, person id or persisted face id shows (ids compare case-insensitively). */
export function identityOf(id: string): number {
  return digest(`latchkey-identity:${id.toLowerCase()}`)[0] % IDENTITIES;
}

/**
 * The deterministic stand-in for face matching: the confidence that two
 * ids (faces, persons, persisted faces) show the same person. An id matches
 * itself with 1; two ids of one identity score 0.75–0.99 (same person),
 * of different identities 0–0.3. Symmetric, and a function of the two ids
 * only, so every instance answers alike: the product is the gate, not the
 * biometrics.
 */
export function similarity(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return 1;
  const spread = unit(x < y ? `latchkey-pair:${x}|${y}` : `latchkey-pair:${y}|${x}`);
  return round5(identityOf(x) === identityOf(y) ? 0.75 + 0.24 * spread : 0.3 * spread);
}
