import { randomUUID } from 'node:crypto';
import { annotateActiveSpan } from '@latchkey/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { crashPoint, InjectConfig, type ConfigOf } from '@latchkey/config';
import { LatIssueDeniedV1, LatIssuedV1, type FeatureFlag } from '@latchkey/contracts';
import type { Isv } from '@latchkey/issuer/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import { signLimitedAccessToken } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { ClientBlockDirectory } from '../isv/client-block-directory';
import { IsvAuthenticator } from '../isv/isv-authenticator';
import { CLOCK, SigningKeyService, type Clock } from '../keys/signing-key.service';
import { parseExpiredTime } from './expired-time';
import { IssuanceDpopBinding } from './issuance-dpop-binding';
import { IssuanceJournal } from './issuance-journal';
import { parseIssueRequest } from './issue-request';
import { IssuanceRateLimiter } from '../rate-limit/issuance-rate-limiter';
import { IssuerError } from './issuer.errors';
import { assertOnlyQueryParameters } from './query-parameters';

/** One issuance request as the controller read it from the wire. */
export interface IssueLimitedAccessTokenCommand {
  readonly subscriptionKey: string | undefined;
  readonly expiredTime: string | readonly string[] | undefined;
  /** The name of every query parameter given: any but `expiredTime` and `dryRun` is refused. */
  readonly queryParameters: readonly string[];
  readonly body: unknown;
  /** `dryRun` from the query string: `true` checks everything and issues nothing. */
  readonly dryRun?: string | readonly string[];
  /** The `DPoP` header (RFC 9449), when the ISV asks for a sender-constrained token. */
  readonly dpopProof?: string;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
}

/** What a dry run would grant. */
export interface DryRunGrant {
  readonly dryRun: true;
  readonly grant: {
    readonly isvId: string;
    readonly targetAzureResourceId: string;
    readonly featureFlags: readonly FeatureFlag[];
    readonly expiredTime: number;
    /** The DPoP key the token would be bound to. */
    readonly cnfJkt?: string;
  };
}

/** What one request will be granted, every check passed. */
interface Grant {
  readonly resourceId: string;
  readonly features: readonly FeatureFlag[];
  readonly lifetimeSeconds: number;
  readonly cnfJkt: string | undefined;
}

/** A signed token and what it grants. */
export interface IssuedToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: Date;
}

/** A client the platform revoked: who lifts it (the platform operator, docs/ABUSE.md `POST /admin/v1/reinstatements`), not the ISV's unblock. */
export const CLIENT_REVOKED_MESSAGE =
  'The platform revoked issuing tokens for this client resource (abuse detection or a platform operator); unblocking does not lift it. Only the platform operator can reinstate it: see your abuse cases.';

/** The query parameters issueLimitedAccessToken takes. */
export const ISSUE_QUERY_PARAMETERS = ['expiredTime', 'dryRun'] as const;

/** `dryRun`: absent or `false` issues, `true` only checks; anything else is refused, not guessed. */
function parseDryRun(raw: string | readonly string[] | undefined): boolean {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new IssuerError('ISSUER.QUERY_INVALID', 'dryRun must be true or false, given once.');
}

/** A parser's reason as a message: capitalised, with a full stop. */
function sentence(reason: string): string {
  return reason.charAt(0).toUpperCase() + reason.slice(1) + '.';
}

/** The vendor's wording names features without their prefix: "Identification, Verification". */
function vendorNames(features: readonly string[]): string {
  return features.map((f) => f.replace(/^(Face|LimitedAccess)\./, '')).join(', ');
}

/**
 * POST /sts/v1.0/issueLimitedAccessToken. Checks, in this order: the key
 * (missing, a client's key, unknown), the ISV (approved, issuing right not
 * revoked), the request (lifetime, body, resource id, flags), the client
 * (not blocked by the ISV or a revocation), and the grant (every requested
 * flag granted to the ISV: all or nothing), then a DPoP proof if one came
 * or the ISV requires one. Only then it signs, and records
 * the issuance and its `lat.issued` event in one transaction before the
 * token is returned. Every refusal records `lat.issue-denied` with its
 * reason before it is answered.
 */
@Injectable()
export class IssueLimitedAccessTokenUseCase {
  constructor(
    private readonly authenticator: IsvAuthenticator,
    private readonly blocks: ClientBlockDirectory,
    private readonly journal: IssuanceJournal,
    private readonly revocations: RevocationCache,
    private readonly keys: SigningKeyService,
    private readonly outbox: OutboxWriter,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
    private readonly limiter: IssuanceRateLimiter,
    private readonly dpop: IssuanceDpopBinding,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async execute(command: IssueLimitedAccessTokenCommand): Promise<IssuedToken | DryRunGrant> {
    let isv: Isv | undefined;
    let resourceId: string | null = null;
    try {
      assertOnlyQueryParameters(command.queryParameters, ISSUE_QUERY_PARAMETERS);
      const dryRun = parseDryRun(command.dryRun);
      isv = await this.authenticate(command.subscriptionKey);
      await this.assertWithinRate(isv.id);
      const lifetime = parseExpiredTime(command.expiredTime);
      if (!lifetime.ok) throw new IssuerError('ISSUER.LIFETIME_INVALID', sentence(lifetime.reason));
      const request = parseIssueRequest(command.body);
      if (!request.ok) throw new IssuerError(request.code, sentence(request.reason));
      resourceId = request.body.resourceId;
      await this.assertClientNotBlocked(isv.id, resourceId);
      this.assertGranted(isv, request.body.features);
      const cnfJkt = await this.dpop.bindingFor(isv, command.dpopProof);
      const grant = { resourceId, features: request.body.features, lifetimeSeconds: lifetime.seconds, cnfJkt };
      if (dryRun) {
        return {
          dryRun: true,
          grant: {
            isvId: isv.id,
            targetAzureResourceId: resourceId,
            featureFlags: grant.features,
            expiredTime: grant.lifetimeSeconds,
            ...(cnfJkt === undefined ? {} : { cnfJkt }),
          },
        };
      }
      const issued = await this.issue(isv, grant, command);
      annotateActiveSpan({ 'latchkey.isv_id': isv.id, 'latchkey.resource_id': resourceId, 'latchkey.jti': issued.jti, 'latchkey.outcome': 'issued' });
      return issued;
    } catch (error) {
      // What an SRE filters a trace on: never the key or the token, only the ISV, the resource and why.
      annotateActiveSpan({
        'latchkey.isv_id': isv?.id,
        'latchkey.resource_id': resourceId ?? undefined,
        'latchkey.outcome': 'refused',
        'latchkey.reason': error instanceof IssuerError ? error.code : 'internal',
      });
      // A flood of 429s records one denial per key and second, not one database write per refused request.
      const floodRepeat = error instanceof IssuerError && error.details['firstRefusalInWindow'] === false;
      if (error instanceof IssuerError && !floodRepeat) await this.recordDenial(error, isv?.id ?? null, resourceId, command);
      throw error;
    }
  }

  private async authenticate(key: string | undefined): Promise<Isv> {
    const isv = await this.authenticator.authenticate(key);
    if (isv.status !== 'approved') throw new IssuerError('ISSUER.ISV_NOT_APPROVED', 'This ISV is not approved to issue limited access tokens.');
    if (this.revocations.blocks([{ kind: 'isv', isvId: isv.id }])) {
      throw new IssuerError('ISSUER.ISV_REVOKED', "This ISV's right to issue limited access tokens is revoked.");
    }
    return isv;
  }

  /** Per ISV key, after authentication: an unauthenticated flood never touches another ISV's budget. */
  private async assertWithinRate(isvId: string): Promise<void> {
    const decision = await this.limiter.take(isvId);
    if (decision.allowed) return;
    throw new IssuerError('ISSUER.RATE_LIMITED', 'Too many issuance requests for this subscription key.', {
      retryAfterSeconds: decision.retryAfterSeconds,
      firstRefusalInWindow: decision.firstRefusalInWindow,
    });
  }

  private async assertClientNotBlocked(isvId: string, resourceId: string): Promise<void> {
    // The platform's revocation first, with its own code and message: the ISV's unblock does not lift it, so saying only "blocked" would send the ISV
    // to the wrong lever.
    if (this.revocations.blocks([{ kind: 'isv-client', isvId, resourceId }])) {
      throw new IssuerError('ISSUER.CLIENT_REVOKED', CLIENT_REVOKED_MESSAGE);
    }
    if (await this.blocks.isBlocked(isvId, resourceId)) {
      throw new IssuerError('ISSUER.CLIENT_BLOCKED', 'Issuing tokens for this client resource is blocked.');
    }
  }

  private assertGranted(isv: Isv, requested: readonly FeatureFlag[]): void {
    const granted = new Set(isv.grantedFeatures);
    const missing = requested.filter((f) => !granted.has(f));
    if (missing.length > 0) {
      throw new IssuerError(
        'ISSUER.FEATURE_NOT_GRANTED',
        `Feature is not supported, missing approval for one or more of the following features: ${vendorNames(missing)}.`,
      );
    }
  }

  private async issue(isv: Isv, grant: Grant, command: IssueLimitedAccessTokenCommand): Promise<IssuedToken> {
    const { resourceId, features, lifetimeSeconds, cnfJkt } = grant;
    const signed = await signLimitedAccessToken(
      {
        issuer: this.config.LATCHKEY_ISSUER_URL,
        isvId: isv.id,
        resourceId,
        features,
        lifetimeSeconds,
        now: this.now(),
        jti: randomUUID(),
        ...(cnfJkt === undefined ? {} : { cnfJkt }),
      },
      this.keys.current().signingKey(),
    );
    const issuedAt = new Date(signed.claims.iat * 1000);
    const expiresAt = new Date(signed.claims.exp * 1000);
    const record = {
      jti: signed.claims.jti,
      isvId: isv.id,
      resourceId,
      features: [...features],
      lifetimeSeconds,
      issuedAt,
      expiresAt,
      kid: signed.kid,
      cnfJkt: cnfJkt ?? null,
      clientIp: command.clientIp,
      userAgent: command.userAgent,
    };
    const issued = this.outbox.prepare(LatIssuedV1, {
      jti: record.jti,
      isvId: isv.id,
      resourceId,
      features: record.features,
      issuedAt: issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      keyId: signed.kid,
      lifetimeSeconds,
      clientIp: command.clientIp,
      userAgent: command.userAgent,
      ...(cnfJkt === undefined ? {} : { cnfJkt }),
    });
    // The record and the event commit together (grouped with concurrent ones), before the token leaves.
    await this.journal.recordIssuance(record, issued);
    crashPoint('issuer.committed-not-answered');
    return { token: signed.token, jti: signed.claims.jti, expiresAt };
  }

  private async recordDenial(
    error: IssuerError,
    isvId: string | null,
    resourceId: string | null,
    command: IssueLimitedAccessTokenCommand,
  ): Promise<void> {
    const body = command.body as { featureFlags?: unknown } | null;
    const requested = Array.isArray(body?.featureFlags) ? body.featureFlags : [];
    await this.journal.recordDenial(
      this.outbox.prepare(LatIssueDeniedV1, {
        isvId,
        resourceId,
        requestedFeatures: requested
          .filter((f): f is string => typeof f === 'string')
          .slice(0, 16)
          .map((f) => f.slice(0, 64)),
        reason: error.code,
        clientIp: command.clientIp,
        userAgent: command.userAgent?.slice(0, 512) ?? null,
      }),
    );
  }
}
