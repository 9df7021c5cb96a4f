import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readOrCreateSecretFile } from '../operator/local-secret-file';

/**
 * A service's credential towards the rbac service (decision API, its own
 * endpoint list): `lk_svc_<service>_<base64url HMAC-SHA256(secret, label + service)>`.
 * The rbac service holds one secret (LATCHKEY_RBAC_SERVICE_KEY_SECRET) and
 * recomputes the HMAC of the name the key carries, so the name is bound into
 * the credential and no table of keys exists; each service holds only its own
 * key, never the secret, and no service key opens the admin API.
 */
export const SERVICE_KEY_PREFIX = 'lk_svc_';

/** The file under `<dataDir>/secrets` holding the embedded platform's service-key secret. */
export const SERVICE_KEY_SECRET_FILE = 'rbac-service-key-secret';

/** Domain separation: the same secret bytes used for anything else never yield a service key. */
const LABEL = 'latchkey/rbac-service-key/v1:';

/** A service name as the endpoint registry takes it. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** Base64url of a 32-byte HMAC-SHA256, no padding. */
const MAC_LENGTH = 43;

/** The shortest secret accepted, in bytes. */
const MIN_SECRET_BYTES = 32;

/**
 * Standard base64, padded, of at least 30 bytes (the length check below asks 32): the one rule for the secret, in the
 * rbac service's config, the standalone and (written again in JavaScript) deploy/compose/generate-env.js. Strict,
 * because Node's decoder skips what is not base64: a mistyped secret would otherwise derive other keys silently.
 */
export const SERVICE_KEY_SECRET_BASE64 = /^(?:[A-Za-z0-9+/]{4}){10,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 of at least 32 bytes (as the config field accepts it); the secret's bytes. */
export function decodeServiceKeySecret(base64: string): Buffer {
  if (!SERVICE_KEY_SECRET_BASE64.test(base64))
    throw new Error(`the service-key secret must be standard base64 of at least ${MIN_SECRET_BYTES} bytes`);
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < MIN_SECRET_BYTES) throw new Error(`the service-key secret must be at least ${MIN_SECRET_BYTES} bytes, base64-encoded`);
  return bytes;
}

/** A fresh secret: base64 of 32 random bytes. */
export function generateServiceKeySecret(): string {
  return randomBytes(32).toString('base64');
}

/** The key of `service` under `secret` (the secret's bytes). */
export function deriveServiceKey(secret: Uint8Array, service: string): string {
  if (!SERVICE_NAME.test(service)) throw new Error(`"${service}" is not a service name`);
  if (secret.length < MIN_SECRET_BYTES) throw new Error(`the service-key secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return `${SERVICE_KEY_PREFIX}${service}_${mac(secret, service).toString('base64url')}`;
}

/** The service a well-formed key names, or undefined when it is not shaped like a service key (nothing verified). */
export function serviceOfKey(key: string): string | undefined {
  if (!key.startsWith(SERVICE_KEY_PREFIX)) return undefined;
  const rest = key.slice(SERVICE_KEY_PREFIX.length);
  const separator = rest.length - MAC_LENGTH - 1;
  if (separator < 1 || rest[separator] !== '_' || !/^[A-Za-z0-9_-]+$/.test(rest.slice(separator + 1))) return undefined;
  const service = rest.slice(0, separator);
  return SERVICE_NAME.test(service) ? service : undefined;
}

/**
 * The service whose genuine key `presented` is under any of `secrets`
 * (the current one and, while rotating, the previous one), else undefined.
 * The HMACs are compared with timingSafeEqual on equal lengths.
 */
export function verifyServiceKey(presented: string, secrets: readonly Uint8Array[]): string | undefined {
  const service = serviceOfKey(presented);
  if (service === undefined) return undefined;
  const text = presented.slice(presented.length - MAC_LENGTH);
  const given = Buffer.from(text, 'base64url');
  // The last character carries 2 unused bits: only the canonical spelling counts, so one key has one form.
  if (given.toString('base64url') !== text) return undefined;
  let matched = false;
  for (const secret of secrets) {
    const expected = mac(secret, service);
    // Every secret is tried, so the timing does not tell which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched ? service : undefined;
}

/**
 * The embedded platform's secret (`<dataDir>/secrets/rbac-service-key-secret`),
 * created when missing; the rbac service and the guards of the services in
 * the same data folder read the same file.
 */
export async function embeddedServiceKeySecret(dataDir: string): Promise<{ readonly secret: Buffer; readonly path: string }> {
  const file = await readOrCreateSecretFile(dataDir, SERVICE_KEY_SECRET_FILE, generateServiceKeySecret);
  try {
    return { secret: decodeServiceKeySecret(file.value), path: file.path };
  } catch {
    throw new Error(`${file.path} does not hold base64 of at least ${MIN_SECRET_BYTES} bytes; delete it to generate one`);
  }
}

/** `face-api` → `LATCHKEY_FACE_API_RBAC_KEY`: the variable holding a service's own key. */
export function serviceKeyVariable(service: string): string {
  return `LATCHKEY_${service.toUpperCase().replace(/-/g, '_')}_RBAC_KEY`;
}

function mac(secret: Uint8Array, service: string): Buffer {
  return createHmac('sha256', secret)
    .update(LABEL + service, 'utf8')
    .digest();
}
