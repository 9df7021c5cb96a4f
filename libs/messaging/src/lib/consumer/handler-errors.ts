/**
 * Thrown by a handler for an event that can never succeed (a broken
 * invariant, a reference to something that will never exist): the event goes
 * to the dead-letter topic at once instead of being retried. Every other
 * error is treated as retriable, with bounded retries.
 */
export class NonRetriableEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NonRetriableEventError';
  }
}
