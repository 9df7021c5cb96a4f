import { LatchkeyError, type LatErrorCode } from '@latchkey/contracts';

/**
 * A gated request refused at the point of use. `details` carry what the
 * token claimed (jti, ISV) when it got that far, for the `lat.rejected`
 * event; they are never trusted for anything but detection.
 */
export class LatError extends LatchkeyError<LatErrorCode> {}
