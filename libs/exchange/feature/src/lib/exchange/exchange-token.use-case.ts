import { Inject, Injectable, Logger } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import {
  ExchangeCompletedV1,
  ExchangeDeniedV1,
  type ExchangeErrorCode,
  type InternalAccessTokenClaims,
  type RevocationSubject,
} from '@latchkey/contracts';
import { OAuthApplicationRepository, type OAuthApplication } from '@latchkey/exchange/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import { Database, type SqlExecutor } from '@latchkey/persistence';
import { signInternalAccessToken, type SignedToken } from '@latchkey/tokens';
import { decideApplication, type ApplicationGrant } from '../applications/decide-application';
import { EntraTokenError, EntraTokenValidator, type EntraPrincipal } from '../entra';
import { MapIdentityUseCase, type MappedIdentity } from '../identities/map-identity.use-case';
import { ExchangeSigningKey } from '../tokens/exchange-signing-key';
import { exchangeTokensConfig } from '../tokens/exchange-tokens.config';
import { ApplicationCache } from './application-cache';
import { AudienceScopes } from './audience-scopes';
import { ExchangeRefusal } from './exchange-refusal';
import { ExchangedTokenCache, type CachedExchange } from './exchanged-token-cache';

/** Provider token of the clock (tests move time). */
export const EXCHANGE_CLOCK = Symbol('latchkey:exchangeClock');
export type ExchangeClock = () => Date;

/** Provider token of the process's {@link ExchangedTokenCache}. */
export const EXCHANGED_TOKEN_CACHE = Symbol('latchkey:exchangedTokenCache');

/** One exchange asked for, through either surface. */
export interface ExchangeRequest {
  /** The Entra access token. A credential: never log it. */
  readonly sourceToken: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The `aud` of the internal token (an upstream API's audience, or the admin APIs'); every scope asked for must belong to it. */
  readonly audience: string;
  /** The caller's address, for `exchange.denied`. */
  readonly clientIp: string | null;
  /** Checks the client's authentication against its application (standard mode); the gateway passes none. */
  readonly authenticate?: (app: OAuthApplication) => ExchangeErrorCode | undefined;
}

/** An internal access token, minted now or served from the cache. */
export interface ExchangeResult {
  /** The internal access token. A credential: never log it. */
  readonly token: string;
  readonly jti: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date;
  readonly cached: boolean;
}

/** What {@link ExchangeTokenUseCase}'s mint step needs of the exchange decided so far. */
interface MintContext {
  readonly request: ExchangeRequest;
  readonly principal: EntraPrincipal;
  readonly decision: ApplicationGrant;
  readonly now: Date;
  readonly expiresAt: Date;
}

/** A minted token for a person, or the refusal of the mapping or of the person's revocation. */
type Minted =
  | { readonly ok: true; readonly signed: SignedToken<InternalAccessTokenClaims>; readonly personId: string }
  | { readonly ok: false; readonly code: Extract<MappedIdentity, { ok: false }>['code'] | 'EXCHANGE.REVOKED' };

/**
 * Exchanges a Microsoft Entra ID access token for an internal access token
 * (docs/EXCHANGE.md): the OAuth application (kept a second: ApplicationCache),
 * then the cache of minted tokens (a hash of the source token with the
 * application, scopes and audience); otherwise the Entra token validated,
 * its tenant's revocation checked, the OAuth application's policy decided
 * (and the client authenticated, in standard mode), every requested scope
 * checked to belong to the audience (AudienceScopes), the person mapped by
 * (`tid`, `oid`) under the application's provisioning mode, the person's and
 * application's revocations checked, and the token signed with the
 * exchange's own key: `scope` = requested ∩ allowed, `exp` = the earlier of
 * the source token's and the application's lifetime. `exchange.completed`
 * is written to the outbox in a transaction before the token is returned
 * (nothing leaves unrecorded); every refusal is an `exchange.denied` with
 * its code. A cache hit mints nothing and records nothing new.
 */
@Injectable()
export class ExchangeTokenUseCase {
  private readonly logger = new Logger('Exchange');
  private readonly applicationCache: ApplicationCache;

  constructor(
    private readonly validator: EntraTokenValidator,
    private readonly applications: OAuthApplicationRepository,
    private readonly identities: MapIdentityUseCase,
    private readonly key: ExchangeSigningKey,
    private readonly revocations: RevocationCache,
    private readonly outbox: OutboxWriter,
    private readonly db: Database,
    @Inject(EXCHANGED_TOKEN_CACHE) private readonly cache: ExchangedTokenCache,
    @InjectConfig(exchangeTokensConfig) private readonly config: ConfigOf<typeof exchangeTokensConfig>,
    @Inject(EXCHANGE_CLOCK) private readonly now: ExchangeClock,
    private readonly audiences: AudienceScopes,
  ) {
    this.applicationCache = new ApplicationCache((clientId) => this.applications.findByClientId(clientId));
  }

  async exchange(request: ExchangeRequest): Promise<ExchangeResult> {
    const now = this.now();
    const cacheKey = ExchangedTokenCache.key(request);
    const app = await this.applicationCache.get(request.clientId, now);
    // Client authentication comes before any cached answer: a cache hit must not skip it.
    const unauthenticated =
      request.authenticate === undefined ? undefined : app === undefined ? 'EXCHANGE.CLIENT_UNKNOWN' : request.authenticate(app);
    if (unauthenticated !== undefined) return this.refuse(request, null, unauthenticated, 'The client failed to authenticate.');
    const hit = app?.enabled ? this.cache.get(cacheKey, now, (entry) => this.revokedSince(entry)) : undefined;
    if (hit !== undefined) return { token: hit.token, jti: hit.jti, scopes: hit.scopes, expiresAt: hit.expiresAt, cached: true };

    const principal = await this.validate(request);
    if (this.revocations.refuses([{ kind: 'tenant', tenantId: principal.tenantId }], principal.issuedAt)) {
      return this.refuse(request, principal, 'EXCHANGE.REVOKED', 'Access from this tenant was revoked after the token was issued.');
    }
    const decision = decideApplication(app, principal, request.scopes);
    if (!decision.ok) return this.refuse(request, principal, decision.code, describe(decision.code));
    // Every scope asked for, not only those the application grants: a scope of another API in the request is
    // refused rather than dropped, so a token never leaves for one audience with another's scopes.
    if (this.audiences.foreignScopes(request.audience, request.scopes).length > 0) {
      return this.refuse(request, principal, 'EXCHANGE.TARGET_INVALID', describe('EXCHANGE.TARGET_INVALID'));
    }
    if (this.revocations.blocks([{ kind: 'oauth-application', clientId: decision.clientId }])) {
      return this.refuse(request, principal, 'EXCHANGE.REVOKED', 'This OAuth application is revoked.');
    }

    const expiresAt = new Date(Math.min(principal.expiresAt.getTime(), now.getTime() + decision.lifetimeSeconds * 1000));
    const sighting = { tenantId: principal.tenantId, objectId: principal.objectId, displayName: principal.displayName, username: principal.username };
    const mint = (executor: SqlExecutor, person: MappedIdentity): Promise<Minted> =>
      this.mint(executor, person, { request, principal, decision, now, expiresAt });
    // A returning person whose attributes are unchanged needs one write, the outbox row: a read and an INSERT, with
    // no BEGIN and COMMIT around them. A first sight or a changed name writes the person too, so the person's row,
    // identity.created and exchange.completed commit together in one transaction.
    const known = await this.identities.withoutWrite(sighting, decision.provisioning);
    const minted =
      known !== undefined
        ? await mint(this.db, known)
        : await this.db.transaction(async (tx) => mint(tx, await this.identities.execute(sighting, decision.provisioning, tx)));
    if (!minted.ok) return this.refuse(request, principal, minted.code, describe(minted.code));

    const entry: CachedExchange = {
      token: minted.signed.token,
      jti: minted.signed.claims.jti,
      scopes: decision.scopes,
      personId: minted.personId,
      clientId: decision.clientId,
      tenantId: principal.tenantId,
      issuedAt: now,
      expiresAt: new Date(minted.signed.claims.exp * 1000),
    };
    this.cache.set(cacheKey, entry);
    this.logger.log({ msg: 'exchanged', jti: entry.jti, clientId: entry.clientId, personId: entry.personId, scopes: entry.scopes });
    return { token: entry.token, jti: entry.jti, scopes: entry.scopes, expiresAt: entry.expiresAt, cached: false };
  }

  /**
   * Signs the internal token for the mapped person and writes its
   * `exchange.completed` to the outbox with `executor` (the caller's
   * transaction, or the database for a single-row write). The person's
   * revocations are checked first: nothing is signed for a revoked person.
   */
  private async mint(executor: SqlExecutor, person: MappedIdentity, context: MintContext): Promise<Minted> {
    if (!person.ok) return person;
    const { request, principal, decision, now, expiresAt } = context;
    const lineage: RevocationSubject[] = [{ kind: 'person', personId: person.personId }];
    if (this.revocations.refuses(lineage, principal.issuedAt) || this.revocations.blocks(lineage)) {
      return { ok: false, code: 'EXCHANGE.REVOKED' };
    }
    const signed = await signInternalAccessToken(
      {
        issuer: this.config.LATCHKEY_EXCHANGE_URL,
        audience: request.audience,
        personId: person.personId,
        clientId: decision.clientId,
        scopes: decision.scopes,
        tenantId: principal.tenantId,
        objectId: principal.objectId,
        sourceTokenId: principal.sourceTokenId,
        now,
        expiresAt,
      },
      this.key.signingKey(),
    );
    await this.outbox.write(executor, ExchangeCompletedV1, {
      jti: signed.claims.jti,
      personId: person.personId,
      tenantId: principal.tenantId,
      objectId: principal.objectId,
      clientId: decision.clientId,
      scopes: [...decision.scopes],
      sourceTokenId: principal.sourceTokenId,
      expiresAt: new Date(signed.claims.exp * 1000).toISOString(),
    });
    return { ok: true, signed, personId: person.personId };
  }

  /** Whether a revocation of the entry's person, application or tenant came after it was minted. */
  private revokedSince(entry: CachedExchange): boolean {
    const lineage: RevocationSubject[] = [
      { kind: 'person', personId: entry.personId },
      { kind: 'oauth-application', clientId: entry.clientId },
      { kind: 'tenant', tenantId: entry.tenantId },
    ];
    return this.revocations.refuses(lineage, new Date(entry.issuedAt.getTime() + 1)) || this.revocations.blocks(lineage);
  }

  private async validate(request: ExchangeRequest): Promise<EntraPrincipal> {
    try {
      return await this.validator.validate(request.sourceToken);
    } catch (error) {
      if (!(error instanceof EntraTokenError)) throw error;
      return this.refuse(request, null, error.code, error.message, error.retryAfterSeconds);
    }
  }

  /** Records the refusal (`exchange.denied`), then throws it. */
  private async refuse(
    request: ExchangeRequest,
    principal: EntraPrincipal | null,
    code: ExchangeErrorCode,
    message: string,
    retryAfterSeconds?: number,
  ): Promise<never> {
    await this.outbox.write(this.db, ExchangeDeniedV1, {
      clientId: /^[\x21-\x7e]{1,128}$/.test(request.clientId) ? request.clientId : null,
      tenantId: principal?.tenantId ?? null,
      reason: code,
      clientIp: request.clientIp,
    });
    this.logger.warn({ msg: 'exchange refused', reason: code, clientId: request.clientId, tenantId: principal?.tenantId ?? null });
    throw new ExchangeRefusal(code, message, retryAfterSeconds);
  }
}

/** The plain-words reason of a refusal the exchange decided itself. */
function describe(code: ExchangeErrorCode): string {
  switch (code) {
    case 'EXCHANGE.CLIENT_UNKNOWN':
      return 'No OAuth application has this client_id.';
    case 'EXCHANGE.CLIENT_DISABLED':
      return 'This OAuth application is disabled.';
    case 'EXCHANGE.SOURCE_TENANT_NOT_ALLOWED':
      return 'This OAuth application does not accept tokens from this tenant.';
    case 'EXCHANGE.SOURCE_APP_NOT_ALLOWED':
      return 'This OAuth application does not accept tokens issued to the calling application.';
    case 'EXCHANGE.APP_ONLY_NOT_ALLOWED':
      return 'This OAuth application does not accept app-only tokens.';
    case 'EXCHANGE.CLIENT_MISMATCH':
      return 'client_id must be the application the token was issued to (azp/appid).';
    case 'EXCHANGE.PROVISIONING_DENIED':
      return 'This OAuth application maps no people.';
    case 'EXCHANGE.PERSON_UNKNOWN':
      return 'This person is not known here, and this OAuth application does not create people.';
    case 'EXCHANGE.SCOPE_NOT_ALLOWED':
      return 'None of the requested scopes is allowed for this OAuth application.';
    case 'EXCHANGE.REVOKED':
      return 'Access for this person, application or tenant is revoked.';
    case 'EXCHANGE.TARGET_INVALID':
      return 'A requested scope does not belong to this audience: a token carries only scopes of the API it is for.';
    default:
      return 'The exchange was refused.';
  }
}
