import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error';

/** A compact JWS's header and claims, read without checking anything. */
export interface DecodedJws {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

export function decodeJws(token: string): DecodedJws {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new CliError('not a compact JWS (three base64url parts separated by dots)');
  const part = (text: string, what: string): Record<string, unknown> => {
    try {
      const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Said below.
    }
    throw new CliError(`the token's ${what} is not base64url JSON`);
  };
  return { header: part(parts[0] ?? '', 'header'), claims: part(parts[1] ?? '', 'claims') };
}

/** Platform tokens are signed with ES256 or EdDSA only: anything else (`none`, HS256) is refused, never tried. */
export const ALGORITHMS = ['ES256', 'EdDSA'];

export interface VerifyOptions {
  /** A JWKS URL (http/https) or a file holding one. */
  readonly jwks: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly fetchImpl: typeof fetch;
}

export type Verification =
  | { readonly valid: true; readonly header: Record<string, unknown>; readonly claims: Record<string, unknown> }
  | { readonly valid: false; readonly reason: string; readonly code: string };

/**
 * Verifies the signature against the JWKS with the algorithms pinned, the
 * times (5 s tolerance, as the services), and `iss`/`aud` when given. A
 * token that fails is an answer (valid: false), not an error; a key set
 * that cannot be had is a CliError.
 */
export async function verifyJws(token: string, options: VerifyOptions): Promise<Verification> {
  const keys = createLocalJWKSet(await loadJwks(options.jwks, options.fetchImpl));
  try {
    const { payload, protectedHeader } = await jwtVerify(token.trim(), keys, {
      algorithms: ALGORITHMS,
      clockTolerance: 5,
      ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    });
    return { valid: true, header: { ...protectedHeader }, claims: { ...payload } };
  } catch (error) {
    if (error instanceof errors.JOSEError) return { valid: false, code: error.code, reason: error.message };
    throw error;
  }
}

/** A JWKS from a URL (fetched once) or a file. */
export async function loadJwks(source: string, fetchImpl: typeof fetch): Promise<JSONWebKeySet> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetchImpl(source).catch((error: unknown) => {
      throw new CliError(`the key set at ${source} cannot be fetched (${(error as Error).message})`);
    });
    if (!response.ok) throw new CliError(`the key set at ${source} answered ${response.status}`);
    text = await response.text();
  } else {
    text = await readFile(source, 'utf8').catch(() => {
      throw new CliError(`${source} cannot be read`);
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${source} is not JSON`);
  }
  if (!Array.isArray((parsed as { keys?: unknown } | null)?.keys)) throw new CliError(`${source} is not a JSON Web Key Set`);
  return parsed as JSONWebKeySet;
}
