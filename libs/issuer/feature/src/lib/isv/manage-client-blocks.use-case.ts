import { Injectable } from '@nestjs/common';
import { RevocationCache } from '@latchkey/access-guards';
import { IssuanceRepository, type ClientSummary } from '@latchkey/issuer/data-access';
import { freeText, parseFaceResourceId } from '@latchkey/contracts';
import { IssuerError } from '../issue/issuer.errors';
import { REASON_MAX } from '../shared/free-text';
import { ClientBlockDirectory } from './client-block-directory';
import { IsvAuthenticator } from './isv-authenticator';

const BlockReason = freeText({ max: REASON_MAX });

/**
 * A client's two independent stops, as the ISV sees them: `blocked` is the
 * ISV's own block (it lifts it with unblock); `revoked` is the platform's
 * revocation on `access.revocation` (the abuse detector or an operator; only
 * the platform operator reinstates it, and unblocking leaves it in place).
 * Tokens are issued for the client only while both are false.
 */
export interface ClientBlockState {
  readonly resourceId: string;
  readonly blocked: boolean;
  readonly revoked: boolean;
  /** When the platform revoked the client (its watermark), while it is revoked. */
  readonly revokedAt: string | null;
}

/** A client in the ISV's list: its stops and its recent issuances. */
export type ClientView = Omit<ClientSummary, 'blocked'> & ClientBlockState;

/** How far back the client list counts issuances. */
const RECENT_MS = 24 * 60 * 60 * 1000;

/**
 * The ISV's side of "stop generating tokens for that customer": block and
 * unblock one of its clients by resource id, and list its clients with
 * their recent issuance counts. Authenticated by the ISV's own key; allowed
 * even when the ISV may not issue (it may always stop issuing).
 */
@Injectable()
export class ManageClientBlocksUseCase {
  constructor(
    private readonly authenticator: IsvAuthenticator,
    private readonly issuances: IssuanceRepository,
    private readonly blocks: ClientBlockDirectory,
    private readonly revocations: RevocationCache,
  ) {}

  async block(key: string | undefined, rawResourceId: unknown, reason: unknown): Promise<ClientBlockState> {
    const isv = await this.authenticator.authenticate(key);
    const resourceId = this.resourceIdOf(rawResourceId);
    const why = this.reasonOf(reason);
    await this.blocks.block(isv.id, resourceId, why);
    return this.stateOf(isv.id, resourceId, true);
  }

  /** Lifts the ISV's own block only: a platform revocation stays, and the answer says so (`revoked`). */
  async unblock(key: string | undefined, rawResourceId: unknown): Promise<ClientBlockState> {
    const isv = await this.authenticator.authenticate(key);
    const resourceId = this.resourceIdOf(rawResourceId);
    await this.blocks.unblock(isv.id, resourceId);
    return this.stateOf(isv.id, resourceId, false);
  }

  async list(key: string | undefined, now: Date): Promise<{ clients: ClientView[] }> {
    const isv = await this.authenticator.authenticate(key);
    const clients = await this.issuances.clientsOf(isv.id, new Date(now.getTime() - RECENT_MS));
    return { clients: clients.map((client) => ({ ...client, ...this.stateOf(isv.id, client.resourceId, client.blocked) })) };
  }

  private stateOf(isvId: string, resourceId: string, blocked: boolean): ClientBlockState {
    const watermark = this.revocations.get({ kind: 'isv-client', isvId, resourceId });
    if (watermark?.revoked !== true) return { resourceId, blocked, revoked: false, revokedAt: null };
    return { resourceId, blocked, revoked: true, revokedAt: watermark.notBefore.toISOString() };
  }

  /** An optional note for the ISV's own records: bounded and free of control characters, refused (never truncated) otherwise. */
  private reasonOf(raw: unknown): string | null {
    if (raw === undefined || raw === null) return null;
    if (typeof raw !== 'string') throw new IssuerError('ISSUER.BODY_INVALID', 'reason must be a string.');
    const parsed = BlockReason.safeParse(raw);
    if (parsed.success) return parsed.data;
    const tooLong = parsed.error.issues.some((issue) => issue.code === 'too_big');
    throw new IssuerError('ISSUER.BODY_INVALID', tooLong ? `reason is longer than ${REASON_MAX} characters.` : 'reason contains control characters.');
  }

  private resourceIdOf(raw: unknown): string {
    if (typeof raw !== 'string') throw new IssuerError('ISSUER.BODY_INVALID', 'targetAzureResourceId is required.');
    const parsed = parseFaceResourceId(raw);
    if (!parsed.ok) throw new IssuerError('ISSUER.RESOURCE_ID_INVALID', `${parsed.reason.charAt(0).toUpperCase()}${parsed.reason.slice(1)}.`);
    return parsed.canonical;
  }
}
