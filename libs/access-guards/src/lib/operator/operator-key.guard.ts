import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LatchkeyError } from '@latchkey/contracts';
import { OperatorCredential } from './operator-credential';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyCodes, type OperatorKeyOptions } from './operator-key.options';
import { recordOperator } from './operator.decorator';

/** The actor recorded for changes made with the interim operator key (one key, one operator). */
export const OPERATOR_KEY_ACTOR = 'operator:interim-key';

/** RFC 6750 §2.1: the scheme (case-insensitive), exactly one space, a b64token. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * A service's admin API's interim authentication (docs/DECISIONS.md): a
 * single `Authorization: Bearer <operator key>` header, checked in constant
 * time by OperatorCredential. It fails closed: no configured key, no header,
 * a repeated or malformed header, or a wrong key all answer 401 (with the
 * service's own codes) before any handler runs, and nothing of the presented
 * key is logged or echoed. The RBAC guard (platform tokens, per-endpoint
 * permissions) replaces it: it must record the operator for `@Operator()`
 * the same way.
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

  private authenticate(request: FastifyRequest): void {
    const codes = this.options.codes;
    if (!this.credential.enabled) {
      throw new LatchkeyError(codes.disabled, `The admin API is disabled: this ${this.options.service} has no operator key configured.`);
    }
    const presented = bearerOf(request, codes);
    if (!this.credential.matches(presented)) throw new LatchkeyError(codes.invalid, 'The operator key is not valid.');
  }
}

/** The key of the request's one `Authorization: Bearer` header. */
function bearerOf(request: FastifyRequest, codes: OperatorKeyCodes): string {
  // Node keeps only the first of repeated Authorization headers in `headers`; the raw list shows them all.
  const raw = request.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]?.toLowerCase() === 'authorization') count++;
  const header = request.headers.authorization;
  if (count === 0 || header === undefined) {
    throw new LatchkeyError(codes.unauthenticated, 'The Authorization header with the operator key is missing.');
  }
  const match = count === 1 && typeof header === 'string' ? BEARER.exec(header) : null;
  if (!match?.[1]) throw new LatchkeyError(codes.unauthenticated, 'Send exactly one Authorization header: Bearer <operator key>.');
  return match[1];
}
