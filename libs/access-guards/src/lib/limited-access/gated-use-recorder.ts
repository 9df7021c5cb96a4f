import type { EventInput, LatRejectedV1, LatUsedV1 } from '@latchkey/contracts';

/** Provider token of the {@link GatedUseRecorder} a resource server uses. */
export const GATED_USE_RECORDER = Symbol('latchkey:gatedUseRecorder');

/**
 * Where a guard records what happened to a gated request. `served` is on the
 * request's path: the operation runs only once it resolved (the use is
 * accepted by the bus or durably spooled); when it rejects, the request is
 * answered 503. `refused` is best effort: a refusal is answered whether or
 * not its record gets through, so a failing bus cannot turn refusals into a
 * way to stall the verifier.
 */
export interface GatedUseRecorder {
  served(use: EventInput<typeof LatUsedV1>): Promise<void>;
  refused(rejection: EventInput<typeof LatRejectedV1>): void;
}
