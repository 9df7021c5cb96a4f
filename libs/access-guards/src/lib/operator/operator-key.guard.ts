import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LatchkeyError } from '@latchkey/contracts';
import { authorizationHeaders, singleBearer } from '../bearer-header';
import { OperatorCredential } from './operator-credential';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyCodes, type OperatorKeyOptions } from './operator-key.options';
import { recordOperator } from './operator.decorator';

/** The actor recorded for changes made with the break-glass operator key (one key, no person behind it). */
export const OPERATOR_KEY_ACTOR = 'operator:interim-key';

/**
 * A service's admin API's break-glass authentication (docs/RBAC.md "Operators"): a
 * single `Authorization: Bearer <operator key>` header, checked in constant
 * time by OperatorCredential. It fails closed: no configured key, no header,
 * a repeated or malformed header, or a wrong key all answer 401 (with the
 * service's own codes) before any handler runs, and nothing of the presented
 * key is logged or echoed. AdminGuard sends it every bearer credential
 * that is not shaped like a JWT; tokens go to RbacGuard, which records the
 * operator for `@Operator()` the same way.
 */
@Injectable()
export class OperatorKeyGuard implements CanActivate {
  /** RFC 6750 §3: a 401 names the scheme it wants. */
  private readonly challenge: string;

  constructor(
    private readonly credential: OperatorCredential,
    @Inject(OPERATOR_KEY_OPTIONS) private readonly options: OperatorKeyOptions,
  ) {
    this.challenge = `Bearer realm="latchkey-${options.service}-admin"`;
  }

  canActivate(context: ExecutionContext): true {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      this.authenticate(request);
    } catch (error) {
      void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', this.challenge);
      throw error;
    }
    recordOperator(request, OPERATOR_KEY_ACTOR);
    return true;
  }

  /**
   * Checks the request's one bearer key against the operator key, as
   * `canActivate` does, without touching the response: for a check repeated
   * while a long response is open.
   *
   * @throws LatchkeyError with the service's `disabled`, `unauthenticated` or `invalid` code
   */
  authenticate(request: FastifyRequest): void {
    const codes = this.options.codes;
    if (!this.credential.enabled) {
      throw new LatchkeyError(
        codes.disabled,
        `No operator token was presented, and this ${this.options.service} has no break-glass operator key configured.`,
      );
    }
    const presented = bearerOf(request, codes);
    if (!this.credential.matches(presented)) throw new LatchkeyError(codes.invalid, 'The operator key is not valid.');
  }
}

/** The key of the request's one `Authorization: Bearer` header. */
function bearerOf(request: FastifyRequest, codes: OperatorKeyCodes): string {
  const headers = authorizationHeaders(request);
  if (headers.length === 0) {
    throw new LatchkeyError(codes.unauthenticated, 'The Authorization header with the operator key is missing.');
  }
  const key = singleBearer(headers);
  if (key === undefined) throw new LatchkeyError(codes.unauthenticated, 'Send exactly one Authorization header: Bearer <operator key>.');
  return key;
}
