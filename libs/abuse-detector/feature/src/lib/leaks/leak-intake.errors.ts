import { LatchkeyError, type AbuseLeakErrorCode } from '@latchkey/contracts';

/** A refused leaked-token report: its body, its signature, or a key source the intake could not reach. */
export class LeakIntakeError extends LatchkeyError<AbuseLeakErrorCode> {}
