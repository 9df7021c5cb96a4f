import { readFile } from 'node:fs/promises';
import { inspectPlatformJwt, TokenError, type JsonWebKeySet } from '@latchkey/tokens';
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
 * Verifies the token as the services would, less its profile (@latchkey/tokens'
 * `inspectPlatformJwt`): the signature against the JWKS with the platform's
 * algorithms pinned (`none`, HS256 are refused, never tried), the times
 * (5 s tolerance), and `iss`/`aud` when given. A token that fails is an
 * answer (valid: false, with the services' TOKENS.* code), not an error; a
 * key set that cannot be had is a CliError.
 */
export async function verifyJws(token: string, options: VerifyOptions): Promise<Verification> {
  const jwks = await loadJwks(options.jwks, options.fetchImpl);
  try {
    const { header, claims } = await inspectPlatformJwt(token.trim(), {
      jwks,
      ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
      ...(options.audience !== undefined ? { audience: options.audience } : {}),
    });
    return { valid: true, header: { ...header }, claims: { ...claims } };
  } catch (error) {
    if (error instanceof TokenError && error.code !== 'TOKENS.JWKS_INVALID') return { valid: false, code: error.code, reason: error.message };
    if (error instanceof TokenError) throw new CliError(`${options.jwks} is not a usable JSON Web Key Set (${error.message})`);
    throw error;
  }
}

/** A JWKS from a URL (fetched once) or a file. */
export async function loadJwks(source: string, fetchImpl: typeof fetch): Promise<JsonWebKeySet> {
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
  return parsed as JsonWebKeySet;
}
