/** The client resource whose subscription key came with a request. */
export interface AuthenticatedClientResource {
  /** The canonical (lower-case) Azure resource id: the only `aud` a limited access token may carry here. */
  readonly resourceId: string;
  readonly displayName: string;
}

/**
 * Resolves an `Ocp-Apim-Subscription-Key` to the client resource that holds
 * it, or `undefined` for a key nobody holds. The seam the LimitedAccessToken
 * guard uses to learn which resource a request is for (ClientResourceDirectory
 * implements it).
 */
export interface ClientResourceResolver {
  resolveResourceByKey(key: string): Promise<AuthenticatedClientResource | undefined>;
}

/** A request after ClientResourceKeyGuard let it through: `clientResource` is set. */
export interface RequestWithClientResource {
  clientResource?: AuthenticatedClientResource;
}

/** Called by ClientResourceKeyGuard once the key is known; later guards and handlers read it with {@link clientResourceOf}. */
export function attachClientResource(request: RequestWithClientResource, resource: AuthenticatedClientResource): void {
  request.clientResource = resource;
}

/** The client resource ClientResourceKeyGuard attached to `request`, if it ran and passed. */
export function clientResourceOf(request: RequestWithClientResource): AuthenticatedClientResource | undefined {
  return request.clientResource;
}
