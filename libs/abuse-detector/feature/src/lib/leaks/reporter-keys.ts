import { createPublicKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { LeakIntakeError } from './leak-intake.errors';

/**
 * The reporter's published verification keys, as GitHub serves them at
 * https://api.github.com/meta/public_keys/secret_scanning: ECDSA P-256 public
 * keys in PEM, each under the identifier a report's
 * `Github-Public-Key-Identifier` header names. Unknown fields are ignored.
 */
export const ReporterKeyDocumentSchema = z.object({
  public_keys: z
    .array(
      z.object({
        key_identifier: z.string().min(1).max(256),
        key: z.string().min(1).max(8192),
        is_current: z.boolean().optional(),
      }),
    )
    .max(100),
});

/** The largest key document accepted from the keys URL. */
const MAX_DOCUMENT_BYTES = 64 * 1024;

/**
 * Parses a key document (JSON text) into its keys by identifier.
 * @throws Error naming the problem (never a key's bytes): not JSON, not the format, or a key that is not EC P-256
 */
export function parseReporterKeys(json: string): ReadonlyMap<string, KeyObject> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('the reporter key document is not JSON');
  }
  const parsed = ReporterKeyDocumentSchema.safeParse(value);
  if (!parsed.success) throw new Error('the reporter key document is not { public_keys: [{ key_identifier, key }] }');
  const keys = new Map<string, KeyObject>();
  for (const entry of parsed.data.public_keys) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: entry.key, format: 'pem' });
    } catch {
      throw new Error(`reporter key ${entry.key_identifier} is not a PEM public key`);
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error(`reporter key ${entry.key_identifier} is not an ECDSA P-256 key`);
    }
    keys.set(entry.key_identifier, key);
  }
  return keys;
}

/** Where the intake finds the key a report names. */
export interface ReporterKeys {
  /**
   * The key with identifier `keyId`, or undefined when the reporter publishes none by that name.
   * @throws LeakIntakeError `ABUSE.LEAK_VERIFICATION_UNAVAILABLE` when the keys could never be fetched
   */
  find(keyId: string): Promise<KeyObject | undefined>;
}

/** Keys configured inline (LATCHKEY_ABUSE_LEAK_REPORTER_KEYS). */
export class StaticReporterKeys implements ReporterKeys {
  constructor(private readonly keys: ReadonlyMap<string, KeyObject>) {}

  find(keyId: string): Promise<KeyObject | undefined> {
    return Promise.resolve(this.keys.get(keyId));
  }
}

export interface RemoteReporterKeysOptions {
  /** Least time between two fetches caused by reports naming an unknown key, or after a failed fetch. */
  readonly cooldownMs: number;
  /** How long fetched keys are used before the document is fetched again (the old keys serve while that fails). */
  readonly maxAgeMs: number;
  readonly timeoutMs?: number;
  /** For tests; the global fetch by default. */
  readonly fetch?: typeof fetch;
  /** For tests; the wall clock by default. */
  readonly now?: () => number;
}

/**
 * Keys fetched from the reporter's key URL (LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_URL)
 * and cached: fetched on first use, again once older than `maxAgeMs`, and
 * when a report names an unknown key identifier (the reporter rotated), at
 * most once per `cooldownMs`, so made-up identifiers cannot make the
 * intake hammer the URL. Concurrent lookups share one request.
 */
export class RemoteReporterKeys implements ReporterKeys {
  private keys: ReadonlyMap<string, KeyObject> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly logger = new Logger(RemoteReporterKeys.name);

  constructor(
    readonly url: string,
    private readonly options: RemoteReporterKeysOptions,
  ) {
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  async find(keyId: string): Promise<KeyObject | undefined> {
    const now = this.now();
    const coolingDown = now < this.attemptedAt + this.options.cooldownMs;
    const stale = now >= this.fetchedAt + this.options.maxAgeMs;
    const unknown = this.keys?.get(keyId) === undefined;
    if ((stale || unknown) && !coolingDown) await this.refresh();
    if (this.keys === undefined) {
      throw new LeakIntakeError('ABUSE.LEAK_VERIFICATION_UNAVAILABLE', 'The reporter’s public keys could not be fetched; retry later.');
    }
    return this.keys.get(keyId);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.attemptedAt = this.now();
    try {
      const response = await this.fetchFn(this.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const text = await response.text();
      if (!response.ok || text.length > MAX_DOCUMENT_BYTES) {
        this.logger.warn({ msg: 'reporter keys not fetched', url: this.url, status: response.status, bytes: text.length });
        return;
      }
      this.keys = parseReporterKeys(text);
      this.fetchedAt = this.now();
    } catch (error) {
      // Keep serving the last keys; the cooldown spaces the next attempt.
      this.logger.warn({ msg: 'reporter keys not fetched', url: this.url, problem: error instanceof Error ? error.message : 'unknown' });
    }
  }
}

/** No keys configured: every report is refused, whatever it names. */
export class DisabledReporterKeys implements ReporterKeys {
  find(): Promise<KeyObject | undefined> {
    return Promise.reject(
      new LeakIntakeError('ABUSE.LEAK_INTAKE_DISABLED', 'The leaked-token intake is not configured with the reporter’s public keys.'),
    );
  }
}
