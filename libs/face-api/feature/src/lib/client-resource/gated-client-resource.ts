import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { GatedResourceResolver } from '@latchkey/access-guards';
import { clientResourceOf, type RequestWithClientResource } from './authenticated-client-resource';

/**
 * Tells the LimitedAccessToken guard which resource a gated request is for:
 * the client resource ClientResourceKeyGuard authenticated from the
 * request's own subscription key (it runs first, at class level, and
 * answers a missing or unknown key with the vendor's 401).
 */
@Injectable()
export class GatedClientResource implements GatedResourceResolver {
  async resourceOf(request: FastifyRequest): Promise<string> {
    const resource = clientResourceOf(request as RequestWithClientResource);
    // Only a wiring mistake gets here (a gated handler without the key guard): fail, never guess.
    if (resource === undefined) throw new Error('a gated Face operation ran without ClientResourceKeyGuard');
    return resource.resourceId;
  }
}
