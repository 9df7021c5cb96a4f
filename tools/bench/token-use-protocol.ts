/**
 * What the token-use benchmarks (token-use.ts, revocation-latency.ts) and
 * their forked face-api (face-api-server.ts) share, kept apart so the load
 * generator never loads Nest or the face-api.
 */

/** The gated operation every benchmark request calls (Face.Verification). */
export const GUARDED_PATH = '/face/v1.0/verify';
/** The same operation and handler behind the subscription-key guard only (bench route). */
export const UNGUARDED_PATH = '/bench/unguarded/verify';
/** A bare route that only verifies the token (bench route). */
export const VERIFY_ONLY_PATH = '/bench/verify-only';

/** What `lat.used` recording does on the guarded route: the real recorder, or nothing at all (bench-only override). */
export type RecorderMode = 'kafka' | 'noop';

/** Where the face-api's AcknowledgedPublisher put the events it accepted, per CloudEvents type, and what it refused. */
export interface PublisherCounts {
  /** Accepted events by type, and where each was made durable. */
  readonly accepted: Readonly<Record<string, { readonly bus: number; readonly spool: number }>>;
  /** Publishes that rejected (the gated request was answered 503). */
  readonly refused: number;
  /** `publishEnvelopes` calls on the bus (one Kafka produce request each) and the events they carried: the batching. */
  readonly busSends: number;
  readonly busEvents: number;
  /** Events still in the spool or waiting for a batch: the counts are final only at 0. */
  readonly pendingEvents: number;
  readonly queued: number;
}

/** A `revocation applied` log line of the face-api's revocation feed. */
export interface RevocationAck {
  readonly revocationId: string;
  readonly appliedAt: string;
  readonly propagationMs: number;
}

/** Server → parent, over the fork IPC channel. */
export type ServerMessage =
  | {
      readonly kind: 'ready';
      readonly url: string;
      /** The seeded client resource's subscription key and canonical id (the tokens' audience). */
      readonly subscriptionKey: string;
      readonly resourceId: string;
      /** A valid verify request body (two faces this face-api detected). */
      readonly verifyBody: string;
    }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'cpu';
      /** The whole process (all threads: the event loop, libuv's pool that verifies signatures, GC helpers). */
      readonly userMicros: number;
      readonly systemMicros: number;
      /** The main thread alone (the event loop), from /proc/self/task/<pid>/stat. */
      readonly mainThreadMicros: number;
      /** performance.eventLoopUtilization() so far. */
      readonly loopActiveMs: number;
      readonly loopIdleMs: number;
    }
  | { readonly kind: 'counts'; readonly counts: PublisherCounts }
  | { readonly kind: 'recorder'; readonly mode: RecorderMode }
  | ({ readonly kind: 'revocation-applied' } & RevocationAck);

/** Parent → server. */
export type ParentMessage =
  | { readonly kind: 'cpu' }
  | { readonly kind: 'counts' }
  | { readonly kind: 'recorder'; readonly mode: RecorderMode }
  | { readonly kind: 'stop' };
