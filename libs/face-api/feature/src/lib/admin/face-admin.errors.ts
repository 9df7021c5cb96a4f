import { LatchkeyError, type FaceAdminErrorCode } from '@latchkey/contracts';

/** A refused operator change to the face-api's client resources. */
export class FaceAdminError extends LatchkeyError<FaceAdminErrorCode> {}
