import { z } from 'zod';

/**
 * Identifier schemas. Events are untrusted input to their consumers, so
 * every string is bounded and restricted to printable ASCII without spaces
 * (it ends up in logs, keys and database rows).
 */
const PRINTABLE = /^[\x21-\x7e]+$/;

/** An opaque identifier: 1–128 printable ASCII characters, no whitespace. */
export const Identifier = z.string().min(1).max(128).regex(PRINTABLE);

/** An ISV's id, as the issuer assigns it. */
export const IsvId = Identifier;

/** A JWT ID (`jti`): the unique id of one token. */
export const Jti = Identifier;

/** A signing key id (`kid` of the JWS header and of the JWKS entry). */
export const KeyId = Identifier;

/** A JWK SHA-256 thumbprint (RFC 7638), base64url: 32 bytes, 43 characters. A DPoP key's `jkt`. */
export const JwkThumbprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** An internal person id (one per Entra `tid` + `oid`). */
export const PersonId = Identifier;

/** An OAuth `client_id` (an OAuth application of the exchange service). */
export const ClientId = Identifier;

/** A CloudEvents `id` of another event, e.g. evidence of an alert. */
export const EventId = Identifier;

/** An abuse alert's id. */
export const AlertId = Identifier;

/**
 * A GUID as Entra ID uses them (`tid`, `oid`): 8-4-4-4-12 hex digits. Not
 * `z.uuid()`, which also demands RFC 9562 version and variant bits that
 * Microsoft's identifiers are not guaranteed to carry.
 */
export const Guid = z.guid();
