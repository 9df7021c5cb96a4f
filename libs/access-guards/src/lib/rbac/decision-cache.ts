import type { Decision, DecisionQuery } from './decision-client';

/** How a {@link DecisionCache} bounds what it keeps. */
export interface DecisionCacheOptions {
  /** How long a decision is reused, in ms. */
  readonly ttlMs: number;
  /** Most decisions kept; the oldest is dropped first. */
  readonly maxEntries: number;
  /** Epoch ms; injectable so tests can age entries. */
  readonly now?: () => number;
}

interface Entry {
  readonly decision: Decision;
  readonly decidedAt: number;
}

/**
 * This instance's recent decisions, per (subject kind, subject id,
 * permission, tenant), each reused for at most `ttlMs`. Any policy change
 * (`rbac.changed`) clears them all: a change names roles and assignments,
 * not the (subject, permission) pairs they affect, so a targeted drop would
 * have to re-evaluate inheritance here. A decision fetched while a change
 * arrived is not stored (the generation moved), so a pre-change allow can
 * never outlive the change that revoked it.
 */
export class DecisionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private generationCounter = 0;
  private lastVersion = 0;

  constructor(private readonly options: DecisionCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Changes seen so far: pass the value read before asking to {@link store}. */
  get generation(): number {
    return this.generationCounter;
  }

  /** The highest policy version applied (0 before any). */
  get version(): number {
    return this.lastVersion;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The decision for `query` if one younger than the TTL is held. */
  fresh(query: DecisionQuery): Decision | undefined {
    const key = keyOf(query);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.decidedAt >= this.options.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.decision;
  }

  /** Keeps `decision`, unless the policy changed since `generation` was read (then it may already be wrong). */
  store(query: DecisionQuery, decision: Decision, generation: number): void {
    if (generation !== this.generationCounter || this.options.ttlMs === 0) return;
    const key = keyOf(query);
    this.entries.delete(key);
    this.entries.set(key, { decision, decidedAt: this.now() });
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /**
   * Applies a policy change of `version`: a newer one clears every decision.
   * An older one (a redelivery, or a policy store that started over) clears
   * them too, since dropping decisions is never unsafe; only the very
   * version already applied is ignored. Returns whether anything was cleared.
   */
  applyChange(version: number): boolean {
    if (version === this.lastVersion) return false;
    this.lastVersion = Math.max(this.lastVersion, version);
    this.clear();
    return true;
  }

  /** Drops every decision and stops in-flight ones from being stored. */
  clear(): void {
    this.generationCounter += 1;
    this.entries.clear();
  }
}

function keyOf(query: DecisionQuery): string {
  return [query.subject.kind, query.subject.id, query.permission, query.tenantId ?? '', query.resource ?? ''].join('\u0000');
}
