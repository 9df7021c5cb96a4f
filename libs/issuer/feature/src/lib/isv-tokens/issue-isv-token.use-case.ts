import { Inject, Injectable, Logger } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { AUDIT_FEED_TOKEN_KIND, ISV_CASES_TOKEN_KIND, signIsvAssertion, type IsvAssertionKind } from '@latchkey/tokens';
import { IssuerError } from '../issue/issuer.errors';
import { issuerConfig } from '../issuer.config';
import { IsvAuthenticator } from '../isv/isv-authenticator';
import { CLOCK, SigningKeyService, type Clock } from '../keys/signing-key.service';

/** What each ISV token is for: its kind, its name in logs, and what a revoked ISV is told. */
const ISV_TOKENS = {
  'audit-feed': {
    kind: AUDIT_FEED_TOKEN_KIND,
    issued: 'audit feed token issued',
    revoked: "This ISV's access is revoked; its audit feed cannot be read with this key.",
  },
  cases: {
    kind: ISV_CASES_TOKEN_KIND,
    issued: 'cases token issued',
    revoked: "This ISV's access is revoked; its abuse cases cannot be answered with this key.",
  },
} as const satisfies Record<string, { kind: IsvAssertionKind<string>; issued: string; revoked: string }>;

/** Which ISV token: `audit-feed` (the audit service's feed) or `cases` (the abuse detector's cases API). */
export type IsvTokenKind = keyof typeof ISV_TOKENS;

/** What `POST /isv/v1/audit-feed-token` and `POST /isv/v1/cases-token` answer. */
export interface IsvTokenGrant {
  /** The compact JWS, for `Authorization: Bearer` at the receiving service. A credential: never log it. */
  readonly token: string;
  readonly tokenType: 'Bearer';
  /** The ISV the token speaks for: the path segment of the receiving service's URLs. */
  readonly isvId: string;
  readonly expiresAt: string;
}

/**
 * Exchanges an ISV's subscription key for a five-minute ISV token of one
 * kind (`lk-audit-feed+jwt` or `lk-isv-cases+jwt`, `sub` = the ISV): the
 * audit service and the abuse detector never see subscription keys, so the
 * issuer, which knows them, vouches for the ISV. Any ISV whose key is valid
 * gets one, approved or not (it may read its history and answer its cases),
 * except one whose access is revoked: its key is then no longer trusted to
 * disclose anything. The token names no resource and grants no feature.
 */
@Injectable()
export class IssueIsvTokenUseCase {
  private readonly logger = new Logger('IsvToken');

  constructor(
    private readonly authenticator: IsvAuthenticator,
    private readonly revocations: RevocationCache,
    private readonly keys: SigningKeyService,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async execute(kind: IsvTokenKind, subscriptionKey: string | undefined): Promise<IsvTokenGrant> {
    const purpose = ISV_TOKENS[kind];
    const isv = await this.authenticator.authenticate(subscriptionKey);
    if (this.revocations.blocks([{ kind: 'isv', isvId: isv.id }])) {
      throw new IssuerError('ISSUER.ISV_REVOKED', purpose.revoked);
    }
    const signed = await signIsvAssertion(
      purpose.kind,
      { issuer: this.config.LATCHKEY_ISSUER_URL, isvId: isv.id, now: this.now() },
      this.keys.current().signingKey(),
    );
    this.logger.log({ msg: purpose.issued, isvId: isv.id, jti: signed.claims.jti, kid: signed.kid });
    return { token: signed.token, tokenType: 'Bearer', isvId: isv.id, expiresAt: new Date(signed.claims.exp * 1000).toISOString() };
  }
}
