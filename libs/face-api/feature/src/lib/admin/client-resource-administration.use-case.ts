import { Injectable } from '@nestjs/common';
import { ClientResourceRepository, type ClientResource } from '@latchkey/face-api/data-access';
import { generateApiKey, hashApiKey } from '@latchkey/tokens';
import { ClientResourceDirectory } from '../client-resource/client-resource-directory';
import { FaceAdminError } from './face-admin.errors';

/** A client resource as an operator sees it: never its key. */
export interface ClientResourceView {
  readonly resourceId: string;
  readonly displayName: string;
  readonly createdAt: string;
}

/** A newly created or rotated key: the only time it is shown. */
export interface IssuedClientKey {
  readonly resourceId: string;
  readonly subscriptionKey: string;
}

function view(resource: ClientResource): ClientResourceView {
  return { resourceId: resource.resourceId, displayName: resource.displayName, createdAt: resource.createdAt.toISOString() };
}

/**
 * The operator's side of the client resources this server serves: each has
 * one subscription key (the resource's own, sent by its client with every
 * call), shown once and stored only as its SHA-256 digest. Rotating replaces
 * the key at once: the vendor's second key slot is not modelled here. Every
 * change drops this instance's key lookups, so it takes effect here with the
 * next request (elsewhere within LATCHKEY_FACE_API_CACHE_TTL_MS).
 */
@Injectable()
export class ClientResourceAdministration {
  constructor(
    private readonly resources: ClientResourceRepository,
    private readonly directory: ClientResourceDirectory,
  ) {}

  async create(input: { resourceId: string; displayName: string }): Promise<ClientResourceView & IssuedClientKey> {
    const subscriptionKey = generateApiKey('client');
    const inserted = await this.resources.insertIfAbsent({ ...input, subscriptionKeyHash: hashApiKey(subscriptionKey) });
    if (!inserted) throw new FaceAdminError('FACE.ADMIN_RESOURCE_EXISTS', 'A client resource with this id exists.');
    this.directory.forgetAll(); // a remembered "unknown key" must not outlive the key's creation
    return { ...view(await this.get(input.resourceId)), subscriptionKey };
  }

  async list(): Promise<ClientResourceView[]> {
    return (await this.resources.list()).map(view);
  }

  async get(resourceId: string): Promise<ClientResource> {
    const resource = await this.resources.findById(resourceId);
    if (!resource) throw new FaceAdminError('FACE.ADMIN_RESOURCE_NOT_FOUND', 'There is no client resource with this id.');
    return resource;
  }

  async view(resourceId: string): Promise<ClientResourceView> {
    return view(await this.get(resourceId));
  }

  /** A new key for the resource; the previous one stops working. */
  async rotateKey(resourceId: string): Promise<IssuedClientKey> {
    const subscriptionKey = generateApiKey('client');
    if (!(await this.resources.replaceKeyHash(resourceId, hashApiKey(subscriptionKey)))) {
      throw new FaceAdminError('FACE.ADMIN_RESOURCE_NOT_FOUND', 'There is no client resource with this id.');
    }
    this.directory.forgetAll();
    return { resourceId: (await this.get(resourceId)).resourceId, subscriptionKey };
  }

  /** Removes the resource: its key stops working; tokens naming it can no longer be used (no key matches them). */
  async delete(resourceId: string): Promise<{ resourceId: string }> {
    const resource = await this.get(resourceId);
    await this.resources.delete(resource.resourceId);
    this.directory.forgetAll();
    return { resourceId: resource.resourceId };
  }
}
