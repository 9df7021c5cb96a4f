import { IsvId, Jti } from '@latchkey/contracts';

/** What a refused token claimed to be, for detection only. */
export interface ClaimedIdentity {
  readonly jti: string | null;
  readonly isvId: string | null;
}

const NOBODY: ClaimedIdentity = { jti: null, isvId: null };

/**
 * Reads `jti` and `isv` from a token's payload WITHOUT verifying it, so that
 * a `lat.rejected` event can say what a forged or expired token claimed
 * (the abuse detector counts refusals per ISV). Never used to decide
 * anything; values that are not well-formed identifiers are dropped.
 */
export function claimedIdentity(token: string | undefined): ClaimedIdentity {
  const payload = token?.split('.')[1];
  if (payload === undefined || payload.length > 8192) return NOBODY;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const jti = Jti.safeParse(claims['jti']);
    const isv = IsvId.safeParse(claims['isv']);
    return { jti: jti.success ? jti.data : null, isvId: isv.success ? isv.data : null };
  } catch {
    return NOBODY;
  }
}
