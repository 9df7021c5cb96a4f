import { Injectable } from '@nestjs/common';
import { IssuanceRepository, type ClientSummary } from '@latchkey/issuer/data-access';
import { parseFaceResourceId } from '../issue/face-resource-id';
import { IssuerError } from '../issue/issuer.errors';
import { ClientBlockDirectory } from './client-block-directory';
import { IsvAuthenticator } from './isv-authenticator';

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
  ) {}

  async block(key: string | undefined, rawResourceId: unknown, reason: unknown): Promise<{ resourceId: string; blocked: true }> {
    const isv = await this.authenticator.authenticate(key);
    const resourceId = this.resourceIdOf(rawResourceId);
    const why = typeof reason === 'string' ? reason.slice(0, 500) : null;
    await this.blocks.block(isv.id, resourceId, why);
    return { resourceId, blocked: true };
  }

  async unblock(key: string | undefined, rawResourceId: unknown): Promise<{ resourceId: string; blocked: false }> {
    const isv = await this.authenticator.authenticate(key);
    const resourceId = this.resourceIdOf(rawResourceId);
    await this.blocks.unblock(isv.id, resourceId);
    return { resourceId, blocked: false };
  }

  async list(key: string | undefined, now: Date): Promise<{ clients: ClientSummary[] }> {
    const isv = await this.authenticator.authenticate(key);
    return { clients: await this.issuances.clientsOf(isv.id, new Date(now.getTime() - RECENT_MS)) };
  }

  private resourceIdOf(raw: unknown): string {
    if (typeof raw !== 'string') throw new IssuerError('ISSUER.BODY_INVALID', 'targetAzureResourceId is required.');
    const parsed = parseFaceResourceId(raw);
    if (!parsed.ok) throw new IssuerError('ISSUER.RESOURCE_ID_INVALID', `${parsed.reason.charAt(0).toUpperCase()}${parsed.reason.slice(1)}.`);
    return parsed.canonical;
  }
}
