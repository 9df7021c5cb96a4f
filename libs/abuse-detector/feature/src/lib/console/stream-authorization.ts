import type { Clock } from '../detection/detection-rules';

/** How often an open alert stream decides its credential again (the admin guard's checks, through its decision cache). */
export const STREAM_RECHECK_MS = 5_000;
/**
 * The longest an alert stream stays open on one admission, whatever the
 * credential: the break-glass key has no expiry, and a reconnection passes
 * the guard again (counted and logged as a use of the key like any request).
 */
export const STREAM_MAX_LIFETIME_MS = 15 * 60_000;

/** Why the server ended a stream: the data of its final `event: end`. */
export type StreamEndReason =
  | 'credential-expired'
  | 'credential-revoked'
  | 'credential-invalid'
  | 'permission-missing'
  | 'authorization-unavailable'
  | 'lifetime'
  | 'shutdown';

/** The reason for a refusal's code (the admin guard's `RBAC.*` codes, or the service's operator key codes). */
export function endReasonOf(code: string): StreamEndReason {
  switch (code) {
    case 'RBAC.TOKEN_EXPIRED':
      return 'credential-expired';
    case 'RBAC.TOKEN_REVOKED':
      return 'credential-revoked';
    case 'RBAC.SCOPE_MISSING':
    case 'RBAC.PERMISSION_DENIED':
      return 'permission-missing';
    case 'RBAC.DECISION_UNAVAILABLE':
    case 'RBAC.KEYS_UNAVAILABLE':
      return 'authorization-unavailable';
    default:
      // A token that no longer verifies, a key that no longer matches, the key path turned off.
      return 'credential-invalid';
  }
}

/** The credential a stream was admitted with, as the stream sees it. */
export interface StreamCredential {
  /** When it stops being valid by itself (an operator token's `exp`); undefined when it has no expiry (the break-glass key). */
  readonly expiresAt: Date | undefined;
  /** Decides again: undefined while the credential still opens the stream, else the refusal's code. */
  recheck(): Promise<string | undefined>;
}

/** How a {@link StreamAuthorization} runs; the defaults are the constants above. */
export interface StreamAuthorizationOptions {
  readonly now: Clock;
  readonly recheckMs?: number;
  readonly maxLifetimeMs?: number;
}

/**
 * Keeps an open stream's admission honest: a stream is authorized when it
 * connects, but it may outlive the credential (a token's `exp`), a
 * revocation of its person or `jti`, or the operator's role. This ends it,
 * once, with the reason: at the credential's expiry (a timer, to the
 * millisecond rather than at the next check), at the stream's maximum
 * lifetime, or at the first periodic re-check that refuses (one at a time;
 * a failing check fails closed).
 */
export class StreamAuthorization {
  private readonly recheckMs: number;
  private readonly maxLifetimeMs: number;
  private deadline: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private checking = false;
  private ended = false;

  constructor(
    private readonly credential: StreamCredential,
    private readonly onEnd: (reason: StreamEndReason) => void,
    private readonly options: StreamAuthorizationOptions,
  ) {
    this.recheckMs = options.recheckMs ?? STREAM_RECHECK_MS;
    this.maxLifetimeMs = options.maxLifetimeMs ?? STREAM_MAX_LIFETIME_MS;
  }

  /** Starts the expiry timer and the periodic re-check; an already expired credential ends the stream at once. */
  start(): void {
    const now = this.options.now().getTime();
    const expiresInMs = this.credential.expiresAt === undefined ? Infinity : this.credential.expiresAt.getTime() - now;
    const [inMs, reason]: [number, StreamEndReason] =
      expiresInMs <= this.maxLifetimeMs ? [expiresInMs, 'credential-expired'] : [this.maxLifetimeMs, 'lifetime'];
    if (inMs <= 0) {
      this.end(reason);
      return;
    }
    this.deadline = setTimeout(() => this.end(reason), inMs);
    this.interval = setInterval(() => void this.check(), this.recheckMs);
  }

  /** Stops the timers (the stream ended for another reason). */
  stop(): void {
    this.ended = true;
    clearTimeout(this.deadline);
    clearInterval(this.interval);
  }

  /** One re-check now; public so tests need not wait for the timer. */
  async check(): Promise<void> {
    if (this.checking || this.ended) return;
    this.checking = true;
    try {
      const refusal = await this.credential.recheck();
      if (refusal !== undefined) this.end(endReasonOf(refusal));
    } catch {
      // Fail closed: what cannot be decided does not keep streaming.
      this.end('authorization-unavailable');
    } finally {
      this.checking = false;
    }
  }

  private end(reason: StreamEndReason): void {
    if (this.ended) return;
    this.stop();
    this.onEnd(reason);
  }
}
