import { LatchkeyError } from '@latchkey/contracts';

/** The code of {@link PublishRefusedError}; a resource server answers it with 503 and `Retry-After`. */
export const MESSAGING_UNRECORDABLE = 'MESSAGING.UNRECORDABLE';

/**
 * Why an event could not be recorded: the bus did not acknowledge it in time
 * and the spool was switched off (`spool-disabled`), had no room
 * (`spool-full`), or failed to write (`spool-failed`); or the publisher was
 * already shut down (`closed`).
 */
export type RefusalReason = 'spool-disabled' | 'spool-full' | 'spool-failed' | 'closed';

/**
 * The event was neither acknowledged by the bus nor durably spooled, so the
 * operation it records must not happen (fail closed). Its message is safe to
 * show a caller; the bus's or the disk's error is the `cause`, for logs only.
 */
export class PublishRefusedError extends LatchkeyError<typeof MESSAGING_UNRECORDABLE> {
  constructor(
    readonly reason: RefusalReason,
    /** A hint for the `Retry-After` header. */
    readonly retryAfterSeconds: number,
    options: { readonly events: number; readonly cause?: unknown },
  ) {
    super(
      MESSAGING_UNRECORDABLE,
      'The use of this operation cannot be recorded right now; try again later.',
      { reason, retryAfterSeconds, events: options.events },
      { cause: options.cause },
    );
    this.name = 'PublishRefusedError';
  }
}

/** Thrown by `DurableSpool.append` when the events would take the spool over its byte limit. */
export class SpoolFullError extends Error {
  constructor(needed: number, pending: number, maxBytes: number) {
    super(`spool full: ${needed} more bytes do not fit (${pending} of ${maxBytes} bytes pending)`);
    this.name = 'SpoolFullError';
  }
}
