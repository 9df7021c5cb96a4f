import { errors } from 'jose';
import { TokenError, type TokenErrorCode } from './token-error';

/**
 * Translates whatever `jwtVerify` threw into a stable {@link TokenError}.
 * jose's own codes are an implementation detail that may change between
 * majors; ours are published (resource servers map them to `LAT.*`).
 * Anything unrecognised is refused as malformed: a verifier fails closed.
 */
export function tokenErrorFromJose(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  const [code, message] = classify(error);
  return new TokenError(code, message, {}, { cause: error });
}

function classify(error: unknown): [TokenErrorCode, string] {
  // JWTExpired extends JWTClaimValidationFailed: test it first. It covers
  // `exp` in the past and `iat` older than the maximum token age.
  if (error instanceof errors.JWTExpired) return ['TOKENS.EXPIRED', 'the token has expired'];
  if (error instanceof errors.JWTClaimValidationFailed) return classifyClaim(error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return ['TOKENS.BAD_SIGNATURE', 'the signature does not verify'];
  // `none`, HMAC (the public-key-as-secret confusion) and every other
  // algorithm outside the pinned list: not a signature we accept.
  if (error instanceof errors.JOSEAlgNotAllowed) return ['TOKENS.BAD_SIGNATURE', 'the signature algorithm is not accepted'];
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return ['TOKENS.UNKNOWN_KEY', 'no single published key matches the token kid and alg'];
  }
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid) {
    return ['TOKENS.JWKS_INVALID', 'the verifier JWKS is malformed or holds a non-public key'];
  }
  return ['TOKENS.MALFORMED', 'the token is not a well-formed signed JWT'];
}

function classifyClaim(error: InstanceType<typeof errors.JWTClaimValidationFailed>): [TokenErrorCode, string] {
  if (error.reason === 'check_failed') {
    switch (error.claim) {
      case 'typ':
        return ['TOKENS.WRONG_TYPE', 'the token is not of the expected type (typ)'];
      case 'iss':
        return ['TOKENS.WRONG_ISSUER', 'the token comes from another issuer'];
      case 'aud':
        return ['TOKENS.WRONG_AUDIENCE', 'the token is for another audience'];
      // `iat` in the future fails the same way as `nbf`: not valid yet.
      case 'nbf':
      case 'iat':
        return ['TOKENS.NOT_YET_VALID', 'the token is not valid yet'];
    }
  }
  return ['TOKENS.CLAIMS_INVALID', `the "${error.claim}" claim is missing or invalid`];
}
