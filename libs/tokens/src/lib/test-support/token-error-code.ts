import { TokenError } from '../token-error';

/** The TokenError code `action` throws; fails the test when it throws something else or nothing. */
export function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
  throw new Error('expected a TokenError, but it succeeded');
}

/** The TokenError code `promise` rejects with; fails the test when it rejects otherwise or resolves. */
export async function codeOfRejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TokenError) return error.code;
    throw error;
  }
  throw new Error('expected a TokenError, but it succeeded');
}
