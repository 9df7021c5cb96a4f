import { createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * What an attacker can do to a token without the issuer's private key: re-encode it, sign it with a key of
 * its own, or with HMAC keyed by something public. Built on node:crypto alone (jose belongs to libs/tokens),
 * byte by byte, so nothing here can be "helpfully" normalised by a JWT library.
 */

/** A JSON value as a base64url segment. */
export function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The three segments of a compact JWS, the first two decoded. */
export function decodeJws(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; segments: [string, string, string] } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    segments: [header, payload, signature],
  };
}

/** An Ed25519 key of the attacker's, with its public JWK and RFC 7638 thumbprint as `kid` (as the issuer names its keys). */
export interface AttackerKey {
  readonly privateKey: KeyObject;
  readonly publicJwk: { kty: string; crv: string; x: string; kid: string; alg: string; use: string };
  readonly kid: string;
}

export function attackerKey(): AttackerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { crv = '', kty = '', x = '' } = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x })).digest('base64url');
  return { privateKey, publicJwk: { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' }, kid };
}

/** Signs `header`.`payload` with an Ed25519 key (EdDSA), whatever the header says. */
export function signEdDsa(key: AttackerKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** Signs `header`.`payload` with HMAC-SHA256 keyed by `secret`: the algorithm-confusion forgery when the secret is a public key. */
export function signHs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret: Buffer): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
