import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FaceError } from '../face/face.errors';
import { attachClientResource, type RequestWithClientResource } from './authenticated-client-resource';
import { ClientResourceDirectory } from './client-resource-directory';

/** The vendor's key header (Node lower-cases header names). */
export const SUBSCRIPTION_KEY_HEADER = 'ocp-apim-subscription-key';

/**
 * Every Face route answers only a client resource's own key, as the vendor's
 * does: a missing or unknown `Ocp-Apim-Subscription-Key` is the vendor's 401
 * before anything else runs (no validation answer leaks to an
 * unauthenticated caller). On success the resource is attached to the
 * request (`request.clientResource`, see clientResourceOf) for the guards
 * after this one: the LimitedAccessToken guard accepts only tokens whose
 * audience is this resource.
 */
@Injectable()
export class ClientResourceKeyGuard implements CanActivate {
  constructor(private readonly directory: ClientResourceDirectory) {}

  async canActivate(context: ExecutionContext): Promise<true> {
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithClientResource>();
    const key = request.headers[SUBSCRIPTION_KEY_HEADER];
    if (key === undefined || key === '') throw new FaceError('FACE.KEY_MISSING', 'The Ocp-Apim-Subscription-Key header is missing.');
    // A repeated header arrives joined by ", " (or as an array): it is no key anybody holds, never one of the two picked.
    const resource = typeof key === 'string' ? await this.directory.resolveResourceByKey(key) : undefined;
    if (!resource) throw new FaceError('FACE.KEY_INVALID', 'The subscription key is not valid for any client resource.');
    attachClientResource(request, resource);
    return true;
  }
}
