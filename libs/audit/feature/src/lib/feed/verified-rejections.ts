import type { LatRejectionReason } from '@latchkey/contracts';

/**
 * For every rejection reason, whether a resource server reaches it only
 * after the token's signature verified against the issuer's keys: then the
 * token is one the issuer really signed, and its `jti` and ISV are facts,
 * not claims. The other reasons (a missing, malformed or oversized token, a
 * bad signature, an unknown key, a verifier that could not check at all) are
 * about bytes anyone can send, with a `jti` anyone who once saw a token can
 * copy: shown in an ISV's feed, they would let a stranger write rows, with a
 * user agent of their choosing, into that ISV's feed. Typed over every
 * reason, so a new one does not compile until someone decides.
 */
const VERIFIED: Readonly<Record<LatRejectionReason, boolean>> = {
  'LAT.MISSING': false,
  'LAT.HEADER_INVALID': false,
  'LAT.MALFORMED': false,
  'LAT.TOO_LARGE': false,
  'LAT.BAD_SIGNATURE': false,
  'LAT.UNKNOWN_KEY': false,
  'LAT.KEYS_UNAVAILABLE': false,
  // Checked before the token is read at all.
  'LAT.REVOCATION_STALE': false,
  // jose checks the header and claims only after the signature held.
  'LAT.CLAIMS_INVALID': true,
  'LAT.WRONG_TYPE': true,
  'LAT.WRONG_ISSUER': true,
  'LAT.WRONG_RESOURCE': true,
  'LAT.EXPIRED': true,
  'LAT.NOT_YET_VALID': true,
  'LAT.FEATURE_MISSING': true,
  'LAT.REVOKED': true,
  'LAT.REPLAYED': true,
  'LAT.DPOP_INVALID': true,
  'LAT.AUDIT_UNAVAILABLE': true,
};

/** Whether a `lat.rejected` with this reason refused a token whose signature verified; false for no or an unknown reason. */
export function isVerifiedRejection(reason: string | null): boolean {
  return reason !== null && Object.hasOwn(VERIFIED, reason) && VERIFIED[reason as LatRejectionReason];
}
