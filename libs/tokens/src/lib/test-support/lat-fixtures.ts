import { LAT_TYP } from '@latchkey/contracts';
import * as jose from 'jose';
import type { LimitedAccessTokenInput } from '../limited-access-token';
import type { SigningKey } from '../signing-key';

/** Shared by the LAT specs: one issuer, one client resource, one instant. */
export const ISSUER = 'https://issuer.latchkey.test';
export const RESOURCE =
  '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/RG-One/providers/Microsoft.CognitiveServices/accounts/Face-One';
export const CANONICAL = RESOURCE.toLowerCase();
export const NOW = new Date('2030-01-01T00:00:00.750Z');
export const IAT = Math.floor(NOW.getTime() / 1000);

/** What the issuer would grant, with `overrides`. */
export function latInput(overrides: Partial<LimitedAccessTokenInput> = {}): LimitedAccessTokenInput {
  return {
    issuer: ISSUER,
    isvId: 'isv-contoso',
    resourceId: RESOURCE,
    features: ['Face.Identification', 'Face.Verification'],
    lifetimeSeconds: 3600,
    now: NOW,
    ...overrides,
  };
}

/** Valid LAT claims, to forge variants the issuer would never sign. */
export function latClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: CANONICAL,
    sub: CANONICAL,
    isv: 'isv-contoso',
    features: ['Face.Identification'],
    iat: IAT,
    nbf: IAT,
    exp: IAT + 3600,
    jti: 'jti-1',
    ...overrides,
  };
}

/** Signs anything with `key`, bypassing the profile: what an attacker or a buggy issuer could produce. */
export async function forgeToken(
  key: SigningKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
  signOptions?: jose.SignOptions,
): Promise<string> {
  const privateKey = await jose.importJWK({ ...key.privateJwk }, key.alg);
  const protectedHeader = { alg: key.alg, kid: key.kid, typ: LAT_TYP, ...header } as jose.JWTHeaderParameters;
  return new jose.SignJWT(payload).setProtectedHeader(protectedHeader).sign(privateKey, signOptions);
}

/** A JOSE segment (header or payload) as base64url JSON, for tokens no library would build. */
export const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
