import type { FeatureFlag, LimitedAccessTokenClaims, RevocationSubject } from '@latchkey/contracts';
import { DpopProofError, DpopReplayCache, TokenError, verifyDpopProof, verifyLimitedAccessToken, type VerifyTokenOptions } from '@latchkey/tokens';
import type { RevocationCache } from '../revocation/revocation-cache';
import { claimedIdentity } from './claimed-identity';
import { LatError } from './lat-error';
import { readLimitedAccessToken } from './limited-access-token-header';
import { latCodeForTokenError } from './token-error-mapping';
import type { VerifiedTokenCache } from './verified-token-cache';

/** One gated request, as the guard read it. */
export interface GatedRequest {
  /** The raw `LimitedAccessToken` header. */
  readonly header: string | string[] | undefined;
  /** The canonical id of the resource whose subscription key came with the request: the only `aud` accepted. */
  readonly resourceId: string;
  /** The feature the operation requires. */
  readonly feature: FeatureFlag;
  /** The `DPoP` header and the request it must be about. */
  readonly dpop: { readonly proof: string | undefined; readonly method: string; readonly url: string };
}

/** A token that passed every check for this request. */
export interface AcceptedToken {
  readonly claims: LimitedAccessTokenClaims;
  readonly kid: string;
}

/** How the verifier is set up (see limited-access.config.ts). */
export interface LimitedAccessVerifierOptions {
  readonly keys: VerifyTokenOptions['jwks'];
  readonly issuer: string;
  readonly clockToleranceSeconds: number;
  readonly maxRevocationStalenessMs: number;
  /** Milliseconds the revocation feed has been down (0 when current). */
  readonly revocationStaleForMs: () => number;
  readonly revocations: RevocationCache;
  readonly dpopReplays: DpopReplayCache;
  /** Tokens verified recently, so a reused token skips the signature check (none: every request verifies in full). */
  readonly verifiedTokens?: VerifiedTokenCache;
  /** Told after every verification that used `keys` (it may have fetched them): the JWKS refresh metric. */
  readonly keyRefreshes?: { observe(): void };
  readonly now?: () => Date;
}

/**
 * The checks of a gated request, in order: the verifier can decide at all
 * (revocation state current), one well-formed header, the token (size,
 * shape, signature against the issuer's keys with the algorithms pinned,
 * `typ`, `iss`, `aud` = this request's resource, times, required claims,
 * schema: libs/tokens), the operation's feature, revocation watermarks of
 * every subject the token descends from (its `jti`, ISV, ISV + client, and
 * signing key), and a DPoP proof when the token is sender-constrained.
 * Revocation and replay are keyed by `jti` and proof `jti`, never by the
 * token string: an ECDSA signature can be rewritten into another valid one.
 * A token verified for the same resource within the last minute skips the
 * signature and claim checks (VerifiedTokenCache); every other check runs
 * on every request.
 *
 * @throws LatError with the rule that refused; `details` carry what the token claimed
 */
export class LimitedAccessTokenVerifier {
  constructor(private readonly options: LimitedAccessVerifierOptions) {}

  async verify(request: GatedRequest): Promise<AcceptedToken> {
    const now = this.options.now?.() ?? new Date();
    if (this.options.revocationStaleForMs() > this.options.maxRevocationStalenessMs) {
      throw new LatError('LAT.REVOCATION_STALE', 'Revocation state is not current; try again shortly.');
    }
    const token = readLimitedAccessToken(request.header);
    try {
      const accepted = await this.verifyToken(token, request.resourceId, now);
      this.assertFeature(accepted.claims, request.feature);
      this.assertNotRevoked(accepted);
      await this.assertProofOfPossession(token, accepted.claims, request.dpop, now);
      return accepted;
    } catch (error) {
      if (error instanceof LatError)
        throw new LatError(error.code, error.message, { ...claimedIdentity(token), ...error.details }, { cause: error.cause });
      throw error;
    }
  }

  private async verifyToken(token: string, resourceId: string, now: Date): Promise<AcceptedToken> {
    const known = this.options.verifiedTokens?.get(resourceId, token, now);
    if (known !== undefined) return known;
    try {
      const verified = await verifyLimitedAccessToken(token, {
        jwks: this.options.keys,
        issuer: this.options.issuer,
        audience: resourceId,
        now,
        clockToleranceSeconds: this.options.clockToleranceSeconds,
      });
      const accepted = { claims: verified.claims, kid: verified.kid };
      this.options.verifiedTokens?.set(resourceId, token, accepted, now);
      return accepted;
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      throw new LatError(latCodeForTokenError(error.code), `The limited access token is not valid: ${error.message}.`, {}, { cause: error });
    } finally {
      this.options.keyRefreshes?.observe();
    }
  }

  private assertFeature(claims: LimitedAccessTokenClaims, feature: FeatureFlag): void {
    if (claims.features.includes(feature)) return;
    const name = feature.replace(/^(Face|LimitedAccess)\./, '');
    throw new LatError('LAT.FEATURE_MISSING', `Feature is not supported, missing approval for one or more of the following features: ${name}.`, {
      feature,
    });
  }

  private assertNotRevoked({ claims, kid }: AcceptedToken): void {
    const subjects: RevocationSubject[] = [
      { kind: 'jti', jti: claims.jti },
      { kind: 'isv', isvId: claims.isv },
      { kind: 'isv-client', isvId: claims.isv, resourceId: claims.aud },
      { kind: 'signing-key', keyId: kid },
    ];
    if (this.options.revocations.refuses(subjects, new Date(claims.iat * 1000))) {
      throw new LatError('LAT.REVOKED', 'The limited access token has been revoked.');
    }
  }

  private async assertProofOfPossession(token: string, claims: LimitedAccessTokenClaims, dpop: GatedRequest['dpop'], now: Date): Promise<void> {
    const jkt = claims.cnf?.jkt;
    if (jkt === undefined) return;
    try {
      const proof = await verifyDpopProof(dpop.proof, {
        method: dpop.method,
        url: dpop.url,
        now,
        clockToleranceSeconds: this.options.clockToleranceSeconds,
        accessToken: token,
        expectedJkt: jkt,
      });
      if (!this.options.dpopReplays.claim(proof.jkt, proof.jti, proof.iat)) {
        throw new LatError('LAT.REPLAYED', 'This DPoP proof was already used.');
      }
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      throw new LatError('LAT.DPOP_INVALID', `This token is bound to a key: send a valid DPoP proof (${error.message}).`, { dpopReason: error.code });
    }
  }
}
