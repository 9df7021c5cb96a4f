import { LatchkeyError, type FaceErrorCode } from '@latchkey/contracts';

/** A refused Face operation (key, request or lookup): its code selects the wire error in FACE_WIRE_ERRORS. */
export class FaceError extends LatchkeyError<FaceErrorCode> {}
