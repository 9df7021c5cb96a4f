import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizationHeaders } from '../bearer-header';
import type { IsvTokenPolicy } from './isv-token-policy';
import type { IsvTokenBearer } from './isv-token.verifier';

/** What the guard needs of a verifier: an {@link IsvTokenVerifier}, or a stand-in in tests. */
export interface IsvTokenCheck {
  verify(headers: readonly string[]): Promise<IsvTokenBearer>;
}

/**
 * The gate of `/isv/v1/isvs/:isvId/…` routes: a verified ISV token whose
 * `sub` is the path's ISV. The token is checked first, so a request without
 * a good token learns nothing about the path (401 either way, with an RFC
 * 6750 challenge: `error="invalid_token"` when a token came and failed; none
 * with a 503); a good token aimed at another ISV is the policy's
 * `foreignIsv` (403). Ids compare exactly: the issuer assigns them, and no
 * case folding may let one ISV's id name another's. A service extends it
 * (an `@Injectable()` with its verifier injected) and says in `admit` how
 * the handler learns the caller.
 */
export abstract class IsvTokenGuard<C extends string> implements CanActivate {
  protected constructor(
    private readonly verifier: IsvTokenCheck,
    private readonly policy: IsvTokenPolicy<C>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<true> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest<{ Params: { isvId?: string } }>>();
    let bearer: IsvTokenBearer;
    try {
      bearer = await this.verifier.verify(authorizationHeaders(request));
    } catch (error) {
      const { codes, error: Refusal, realm } = this.policy;
      if (error instanceof Refusal && error.code !== codes.keysUnavailable) {
        const challenge = error.code === codes.missing ? `Bearer realm="${realm}"` : `Bearer realm="${realm}", error="invalid_token"`;
        void http.getResponse<FastifyReply>().header('www-authenticate', challenge);
      }
      throw error;
    }
    if (request.params.isvId !== bearer.isvId) {
      throw new this.policy.error(this.policy.codes.foreignIsv, this.policy.foreignIsvMessage, { jti: bearer.jti });
    }
    this.admit(request, bearer);
    return true;
  }

  /** Hands the verified caller to the handler. */
  protected abstract admit(request: FastifyRequest, bearer: IsvTokenBearer): void;
}
