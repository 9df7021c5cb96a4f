import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { IsvTokenGuard, type IsvTokenCheck } from '@latchkey/access-guards';
import type { AbuseIsvErrorCode } from '@latchkey/contracts';
import { recordIsvCaller, type IsvCallerIdentity } from './isv-caller.decorator';
import { ISV_CASES_TOKEN_POLICY, ISV_CASES_VERIFIER } from './isv-cases-token.verifier';

/**
 * The gate of the ISV cases routes `/isv/v1/isvs/:isvId/…`: exactly one
 * `Authorization: Bearer <cases token>`, verified against the issuer's JWKS,
 * whose `sub` is the path's ISV (exact compare). 401 with
 * `WWW-Authenticate: Bearer realm="latchkey-abuse-cases"` (and
 * `error="invalid_token"` when a token came and failed), 403
 * `ABUSE.ISV_FOREIGN_ISV` for a good token of another ISV, 503 when the
 * issuer's keys are out of reach. The handler reads the caller with
 * `@IsvCaller()`.
 */
@Injectable()
export class IsvCasesGuard extends IsvTokenGuard<AbuseIsvErrorCode> {
  constructor(@Inject(ISV_CASES_VERIFIER) verifier: IsvTokenCheck) {
    super(verifier, ISV_CASES_TOKEN_POLICY);
  }

  protected override admit(request: FastifyRequest, caller: IsvCallerIdentity): void {
    recordIsvCaller(request, caller);
  }
}
