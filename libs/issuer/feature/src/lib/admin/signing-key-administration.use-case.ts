import { Inject, Injectable } from '@nestjs/common';
import { AccessRevocationV1, reasonCode } from '@latchkey/contracts';
import { OutboxWriter } from '@latchkey/messaging';
import { Database } from '@latchkey/persistence';
import { CLOCK, SigningKeyService, type Clock } from '../keys/signing-key.service';
import { IssuerAdminError } from './issuer-admin.errors';

/** A published signing key as the operator sees it: never a private member. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: string;
  readonly status: 'next' | 'active' | 'retiring';
  readonly createdAt: string;
  /** When a next key takes over (it is in the JWKS already and signs from then on). */
  readonly activatesAt: string | null;
  /** When it stopped signing (retiring keys). */
  readonly notAfter: string | null;
}

/** An emergency retirement, committed and on its way to every instance and verifier. */
export interface SigningKeyRetirement {
  readonly kid: string;
  readonly notBefore: string;
}

const ADMIN_REASON = reasonCode('ADMIN');

/**
 * The operator's side of the signing keys ("rotated on a schedule and on
 * demand"; "emergency key retirement also travels on access.revocation").
 * A rotation on demand hands over to the next key as soon as it has been in
 * the JWKS for the prepublish period (at once if it has; a new next key
 * otherwise), so no verifier meets a key it has not fetched; other
 * instances pick the change up on their next reload, within a minute,
 * while the old key keeps verifying. An emergency retirement is not applied here directly: it is
 * written to the outbox as an `access.revocation` of the key, so the same
 * record retires it on every issuer instance and makes every verifier
 * refuse its tokens without waiting for a JWKS refresh.
 */
@Injectable()
export class SigningKeyAdministration {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeyService,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async list(): Promise<SigningKeyInfo[]> {
    await this.keys.reload();
    return this.keys
      .current()
      .entries()
      .filter((e) => e.status !== 'retired')
      .map((e) => ({
        kid: e.key.kid,
        alg: e.key.alg,
        status: e.status === 'retired' ? 'retiring' : e.status,
        createdAt: e.key.createdAt.toISOString(),
        activatesAt: e.status === 'next' ? e.activateAt.toISOString() : null,
        notAfter: e.status === 'retiring' || e.status === 'retired' ? e.notAfter.toISOString() : null,
      }));
  }

  /** The next key takes over as soon as verifiers can know it (at once when they can); returns it as listed. */
  async rotate(actor: string): Promise<SigningKeyInfo> {
    const outcome = await this.keys.rotate(`on demand by ${actor}`);
    if (outcome === undefined) throw new IssuerAdminError('ISSUER.ADMIN_KEY_RING_BUSY', 'Another instance is changing the signing keys; try again.');
    const listed = (await this.list()).find((k) => k.kid === outcome.kid);
    if (!listed) throw new IssuerAdminError('ISSUER.ADMIN_KEY_RING_BUSY', 'The key ring changed again meanwhile; list the keys.');
    return listed;
  }

  /** Emergency retirement of a published key (a compromise): its tokens are refused everywhere. */
  async retire(kid: string, reason: string, actor: string): Promise<SigningKeyRetirement> {
    if (!ADMIN_REASON.safeParse(reason).success) {
      throw new IssuerAdminError('ISSUER.ADMIN_REQUEST_INVALID', 'The reason is a code like ADMIN.KEY_COMPROMISED.');
    }
    if (!(await this.list()).some((k) => k.kid === kid)) {
      throw new IssuerAdminError('ISSUER.ADMIN_SIGNING_KEY_NOT_FOUND', 'No published signing key has this kid.');
    }
    const notBefore = this.now().toISOString();
    await this.db.transaction((tx) =>
      this.outbox.write(tx, AccessRevocationV1, {
        subject: { kind: 'signing-key', keyId: kid },
        notBefore,
        action: 'revoke',
        reason,
        alertId: null,
        actor: actor.slice(0, 256),
      }),
    );
    return { kid, notBefore };
  }
}
