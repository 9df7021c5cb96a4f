import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSecretShapes } from '@latchkey/tokens';
import {
  decodeServiceKeySecret,
  deriveServiceKey,
  embeddedServiceKeySecret,
  generateServiceKeySecret,
  SERVICE_KEY_SECRET_FILE,
  serviceKeyVariable,
  serviceOfKey,
  verifyServiceKey,
} from './service-key';

const SECRET = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 9);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `key` with the character at `at` moved `by` places along the base64url alphabet. */
function flip(key: string, at: number, by = 17): string {
  const index = key.length + at;
  const next = ALPHABET[(ALPHABET.indexOf(key[index] ?? 'A') + by) % 64] ?? 'A';
  return key.slice(0, index) + next + key.slice(index + 1);
}

describe(deriveServiceKey.name, () => {
  it('names the service and carries a 43-character base64url HMAC', () => {
    const key = deriveServiceKey(SECRET, 'face-api');
    expect(key).toMatch(/^lk_svc_face-api_[A-Za-z0-9_-]{43}$/);
    expect(deriveServiceKey(SECRET, 'face-api')).toBe(key);
  });

  it('gives every service and every secret another key', () => {
    const keys = new Set([
      deriveServiceKey(SECRET, 'issuer'),
      deriveServiceKey(SECRET, 'testapi'),
      deriveServiceKey(OTHER, 'issuer'),
      deriveServiceKey(SECRET, 'abuse-detector'),
    ]);
    expect(keys.size).toBe(4);
  });

  it('refuses a secret shorter than 32 bytes and a name the registry would not take', () => {
    expect(() => deriveServiceKey(Buffer.alloc(31), 'issuer')).toThrow(/32 bytes/);
    expect(() => deriveServiceKey(SECRET, 'Issuer')).toThrow(/service name/);
    expect(() => deriveServiceKey(SECRET, 'a_b')).toThrow(/service name/);
  });

  it('is recognised as a secret by the secret-shape scanner (logs and stored events)', () => {
    expect(findSecretShapes({ k: deriveServiceKey(SECRET, 'abuse-detector') })).toEqual([{ path: '$.k', shape: 'api-key' }]);
  });
});

describe(verifyServiceKey.name, () => {
  it('answers the service a genuine key names', () => {
    expect(verifyServiceKey(deriveServiceKey(SECRET, 'testapi'), [SECRET])).toBe('testapi');
    expect(verifyServiceKey(deriveServiceKey(SECRET, 'abuse-detector'), [SECRET])).toBe('abuse-detector');
  });

  it('accepts a key of the previous secret while both are given (rotation), and not once it is dropped', () => {
    const old = deriveServiceKey(OTHER, 'issuer');
    expect(verifyServiceKey(old, [SECRET, OTHER])).toBe('issuer');
    expect(verifyServiceKey(old, [SECRET])).toBeUndefined();
  });

  it.each([
    ['another service’s name on a genuine MAC', () => deriveServiceKey(SECRET, 'testapi').replace('lk_svc_testapi_', 'lk_svc_issuer_')],
    ['a key of another secret', () => deriveServiceKey(OTHER, 'testapi')],
    ['a MAC with one character changed', () => flip(deriveServiceKey(SECRET, 'testapi'), -10)],
    ['the MAC’s last character in a non-canonical spelling (its unused bits set)', () => flip(deriveServiceKey(SECRET, 'testapi'), -1, 1)],
    ['a truncated key', () => deriveServiceKey(SECRET, 'testapi').slice(0, -1)],
    ['a key with more after it', () => deriveServiceKey(SECRET, 'testapi') + 'A'],
    ['an operator key', () => 'lk_op_' + randomBytes(32).toString('base64url')],
    ['no name', () => 'lk_svc__' + randomBytes(32).toString('base64url')],
    ['the empty string', () => ''],
  ])('refuses %s', (_case, presented) => {
    const key = presented();
    if (key === deriveServiceKey(SECRET, 'testapi')) throw new Error('the case must change the key');
    expect(verifyServiceKey(key, [SECRET])).toBeUndefined();
  });

  it('refuses everything without a secret', () => {
    expect(verifyServiceKey(deriveServiceKey(SECRET, 'issuer'), [])).toBeUndefined();
  });
});

describe(serviceOfKey.name, () => {
  it('reads the name from a key shape without verifying it', () => {
    expect(serviceOfKey(`lk_svc_face-api_${'A'.repeat(43)}`)).toBe('face-api');
    expect(serviceOfKey(`lk_svc_face_api_${'A'.repeat(43)}`)).toBeUndefined();
    expect(serviceOfKey(`lk_op_${'A'.repeat(43)}`)).toBeUndefined();
  });
});

describe(serviceKeyVariable.name, () => {
  it('names the variable of each service', () => {
    expect(serviceKeyVariable('face-api')).toBe('LATCHKEY_FACE_API_RBAC_KEY');
    expect(serviceKeyVariable('abuse-detector')).toBe('LATCHKEY_ABUSE_DETECTOR_RBAC_KEY');
  });
});

describe(embeddedServiceKeySecret.name, () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-service-key-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the secret once (mode 0600) and reads the same one afterwards', async () => {
    const first = await embeddedServiceKeySecret(dataDir);
    const second = await embeddedServiceKeySecret(dataDir);
    expect(first.path).toBe(join(dataDir, 'secrets', SERVICE_KEY_SECRET_FILE));
    expect(second.secret.equals(first.secret)).toBe(true);
    expect(first.secret.length).toBe(32);
    expect((await stat(first.path)).mode & 0o777).toBe(0o600);
    expect(decodeServiceKeySecret((await readFile(first.path, 'utf8')).trim()).equals(first.secret)).toBe(true);
  });

  it('decodes what generateServiceKeySecret makes, and refuses a short secret', () => {
    expect(decodeServiceKeySecret(generateServiceKeySecret()).length).toBe(32);
    expect(() => decodeServiceKeySecret(Buffer.alloc(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
