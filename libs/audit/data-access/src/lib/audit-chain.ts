import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The `prev_hash` of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the chain commits to for one stored event (everything but storage bookkeeping). */
export interface ChainedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly topic: string;
  readonly source: string;
  readonly subject: string | null;
  readonly time: string;
  readonly data: unknown;
}

/**
 * hash = SHA-256(prev_hash ‖ JCS(event)), hex. RFC 8785 canonical JSON makes
 * the digest independent of key order and number formatting, so a row read
 * back from jsonb (which reorders keys) verifies against the hash computed
 * at ingestion.
 */
export function chainHash(prevHash: string, event: ChainedEvent): string {
  return chainHashOf(prevHash, canonicalEvent(event));
}

/** JCS(event): the part of a row's hash that does not depend on its place in the chain (computed before the chain's lock is taken). */
export function canonicalEvent(event: ChainedEvent): string {
  const canonical = canonicalize({ ...event });
  if (canonical === undefined) throw new Error('event cannot be canonicalised');
  return canonical;
}

/** SHA-256(prev_hash ‖ canonical), hex: the step that links a row to the one before it. */
export function chainHashOf(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonical, 'utf8').digest('hex');
}

/** A stored row as the events table returns it (snake_case, time as read back). */
export interface StoredChainRow {
  readonly event_id: string;
  readonly type: string;
  readonly topic: string;
  readonly source: string;
  readonly subject: string | null;
  readonly time: Date | string;
  readonly data: unknown;
  readonly prev_hash: string;
  readonly hash: string;
}
