import { createHmac, sign, type KeyObject } from 'node:crypto';

/** How a hand-made token is "signed". */
export type HandSignature =
  | { readonly alg: 'RS256'; readonly key: KeyObject }
  | { readonly alg: 'HS256'; readonly secret: string | Buffer }
  | { readonly alg: 'none' };

/**
 * Builds a compact JWS by hand, for the attack tokens a real identity provider refuses to mint (`alg: none`,
 * HMAC with a public key as the secret, a key it does not publish, a header it never writes). Never use it
 * for a token the provider can mint: those come from {@link EntraTestProvider}.
 */
export function handSignedToken(header: Record<string, unknown>, payload: Record<string, unknown>, signature: HandSignature): string {
  const signingInput = `${encode({ ...header, alg: signature.alg })}.${encode(payload)}`;
  switch (signature.alg) {
    case 'RS256':
      return `${signingInput}.${sign('sha256', Buffer.from(signingInput), signature.key).toString('base64url')}`;
    case 'HS256':
      return `${signingInput}.${createHmac('sha256', signature.secret).update(signingInput).digest('base64url')}`;
    case 'none':
      return `${signingInput}.`;
  }
}

function encode(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
