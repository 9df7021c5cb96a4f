/** Metadata key set by `@AdminApi()`: the handler is an admin endpoint (the admin audience, the admin scope, an operator key accepted). */
export const ADMIN_ENDPOINT = 'latchkey:admin:endpoint';
