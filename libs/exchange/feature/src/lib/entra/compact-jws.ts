import { verify, type KeyObject } from 'node:crypto';

/** A compact JWS split and decoded, not yet verified: nothing in it may be trusted. */
export interface UnverifiedJws {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `base64url(header).base64url(payload)`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/;

/**
 * Splits a compact JWS and parses its header and payload as JSON objects; `undefined` when it is not one.
 * The signature segment must be canonical base64url (Node's decoder is lenient, and a second spelling of the
 * same signature would make a second token). An empty signature (`alg: none`) parses, for the caller to refuse
 * by its algorithm.
 */
export function parseCompactJws(token: string): UnverifiedJws | undefined {
  const match = COMPACT_JWS.exec(token);
  if (match === null) return undefined;
  const [, headerPart = '', payloadPart = '', signaturePart = ''] = match;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (signature.toString('base64url') !== signaturePart) return undefined;
  const header = jsonObject(headerPart);
  const payload = jsonObject(payloadPart);
  if (header === undefined || payload === undefined) return undefined;
  return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
}

/**
 * RSASSA-PKCS1-v1_5 with SHA-256 (JWA `RS256`), the one algorithm Entra signs access tokens with. The caller
 * has already pinned the header's `alg` to RS256 and chosen an RSA public key from the issuer's JWKS.
 *
 * node:crypto rather than jose: jose is confined to libs/tokens (eslint `no-restricted-imports`), whose
 * verification path pins ES256/EdDSA for the platform's own tokens. Move this into libs/tokens as an
 * external-token profile when that lib grows one.
 */
export function verifyRs256(jws: UnverifiedJws, key: KeyObject): boolean {
  if (key.type !== 'public' || key.asymmetricKeyType !== 'rsa') return false;
  return verify('sha256', Buffer.from(jws.signingInput), key, jws.signature);
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
