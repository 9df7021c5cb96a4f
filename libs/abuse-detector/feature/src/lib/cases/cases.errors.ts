import { LatchkeyError, type AbuseCaseErrorCode } from '@latchkey/contracts';

/** A refused request about a case or an ISV webhook. */
export class CaseError extends LatchkeyError<AbuseCaseErrorCode> {}
