import { Inject, Injectable } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { AccessRevocationV1, FEATURE_FLAGS, parseFaceResourceId, reasonCode, type FeatureFlag } from '@latchkey/contracts';
import { IsvRepository, type Isv, type IsvChanges } from '@latchkey/issuer/data-access';
import { OutboxWriter } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import { IsvAuthenticator } from '../isv/isv-authenticator';
import { CLOCK, type Clock } from '../keys/signing-key.service';
import { IsvIdParam } from './admin-request.schema';
import { IssuerAdminError } from './issuer-admin.errors';

/** An ISV as an operator registers it; everything else starts closed (pending, no flags). */
export interface NewIsv {
  readonly id: string;
  readonly displayName: string;
  /** The ISV's own Face resource, for issueToken. */
  readonly resourceId?: string;
}

/** The outcome of revoking or reinstating an ISV's right to issue. */
export interface IssuingRightChange {
  readonly isvId: string;
  readonly action: 'revoke' | 'reinstate';
  readonly notBefore: string;
}

const ADMIN_REASON = reasonCode('ADMIN');

/**
 * The operator's side of ISVs (issuer issue, "Operator admin API"): create,
 * approve and unapprove, grant and revoke feature flags, revoke and
 * reinstate the right to issue. Changes take effect on this instance's next
 * request (its ISV cache is dropped) and on other instances within
 * LATCHKEY_ISSUER_CACHE_TTL_MS; a revocation of the right to issue travels
 * on `access.revocation` and reaches every instance as an event.
 *
 * Authentication and authorisation of the operator belong to the HTTP
 * layer (the admin controllers behind `@AdminApi()`: an operator's token
 * with the route's permission, or the break-glass key).
 */
@Injectable()
export class IsvAdministration {
  constructor(
    private readonly db: Database,
    private readonly isvs: IsvRepository,
    private readonly authenticator: IsvAuthenticator,
    private readonly revocations: RevocationCache,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async create(isv: NewIsv): Promise<Isv> {
    if (!IsvIdParam.safeParse(isv.id).success)
      throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', 'An ISV id is 2-63 lower-case letters, digits and hyphens.');
    const displayName = isv.displayName.trim();
    if (displayName.length === 0 || displayName.length > 200) {
      throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', 'An ISV display name has 1-200 characters.');
    }
    const resourceId = isv.resourceId === undefined ? null : this.canonicalResource(isv.resourceId);
    const inserted = await this.isvs.insertIfAbsent({ id: isv.id, displayName, resourceId, status: 'pending', grantedFeatures: [] });
    if (!inserted) throw new IssuerAdminError('ISSUER.ADMIN_ISV_EXISTS', `An ISV with id ${isv.id} exists.`);
    return this.get(isv.id);
  }

  async get(id: string): Promise<Isv> {
    const isv = await this.isvs.findById(id);
    if (!isv) throw new IssuerAdminError('ISSUER.ADMIN_ISV_NOT_FOUND', `There is no ISV with id ${id}.`);
    return isv;
  }

  list(): Promise<Isv[]> {
    return this.isvs.list();
  }

  approve(id: string): Promise<Isv> {
    return this.change(id, { status: 'approved' });
  }

  /** Back to pending: the ISV can no longer issue (existing tokens stay valid; revoke for that). */
  unapprove(id: string): Promise<Isv> {
    return this.change(id, { status: 'pending' });
  }

  async grant(id: string, flag: string): Promise<Isv> {
    const feature = this.featureFlag(flag);
    const isv = await this.get(id);
    if (isv.grantedFeatures.includes(feature)) return isv;
    return this.change(id, { grantedFeatures: FEATURE_FLAGS.filter((f) => f === feature || isv.grantedFeatures.includes(f)) });
  }

  async revokeFeature(id: string, flag: string): Promise<Isv> {
    const feature = this.featureFlag(flag);
    const isv = await this.get(id);
    return this.change(id, { grantedFeatures: isv.grantedFeatures.filter((f) => f !== feature) });
  }

  /**
   * Sender-constrained tokens only (true): from the next request on, the ISV
   * must send a DPoP proof with every issuance. Tokens it already holds
   * unbound stay valid until they expire or are revoked.
   */
  requireDpop(id: string, required: boolean): Promise<Isv> {
    return this.change(id, { dpopRequired: required });
  }

  /**
   * Revokes (tokens issued before now are refused everywhere, and nothing
   * more is issued) or reinstates (issuance resumes; the watermark stays, so
   * no earlier token revives) the ISV's right to issue, with a reason code
   * such as `ADMIN.CONTRACT_ENDED`, published on `access.revocation`.
   */
  async setIssuingRight(id: string, action: 'revoke' | 'reinstate', reason: string, actor: string): Promise<IssuingRightChange> {
    if (!ADMIN_REASON.safeParse(reason).success) {
      throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', 'The reason is a code like ADMIN.CONTRACT_ENDED.');
    }
    await this.get(id);
    const subject = { kind: 'isv' as const, isvId: id };
    const previous = this.revocations.get(subject)?.notBefore;
    const notBefore = (action === 'revoke' ? this.now() : (previous ?? this.now())).toISOString();
    await this.db.transaction((tx) =>
      this.outbox.write(tx, AccessRevocationV1, { subject, notBefore, action, reason, alertId: null, actor: actor.slice(0, 256) }),
    );
    return { isvId: id, action, notBefore };
  }

  private async change(id: string, changes: IsvChanges): Promise<Isv> {
    const isv = await this.isvs.update(id, changes);
    if (!isv) throw new IssuerAdminError('ISSUER.ADMIN_ISV_NOT_FOUND', `There is no ISV with id ${id}.`);
    this.authenticator.forgetAll();
    return isv;
  }

  private featureFlag(flag: string): FeatureFlag {
    const known = FEATURE_FLAGS.find((f) => f === flag);
    if (!known) throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', `Unknown feature flag; known: ${FEATURE_FLAGS.join(', ')}.`);
    return known;
  }

  private canonicalResource(raw: string): string {
    const parsed = parseFaceResourceId(raw);
    if (!parsed.ok) throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', `The resource id is invalid: ${parsed.reason}.`);
    return parsed.canonical;
  }
}
