import type { FastifyRequest } from 'fastify';

/** Provider token of the {@link GatedResourceResolver} of a resource server. */
export const GATED_RESOURCE_RESOLVER = Symbol('latchkey:gatedResourceResolver');

/**
 * The resource a gated request is for, from the request's own credential
 * (e.g. its `Ocp-Apim-Subscription-Key`): a limited access token is honoured
 * only for the resource whose key came with it. Resource servers provide
 * it; they answer an unknown key with their own error (thrown from here or
 * by an earlier guard), never with a token error.
 */
export interface GatedResourceResolver {
  /** The canonical resource id; throws the server's own 401 for a missing or unknown key. */
  resourceOf(request: FastifyRequest): Promise<string>;
}
