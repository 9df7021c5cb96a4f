import { spawnSync } from 'node:child_process';
import { decodeServiceKeySecret, deriveServiceKey, serviceKeyVariable, verifyServiceKey } from '@latchkey/access-guards';
import { DEFAULT_PORTS } from '@latchkey/config';
import fc from 'fast-check';
import { GENERATE_ENV, generateEnv, generatedKubernetesSecrets, keyedServices } from './support/service-keys';

// The key derivation is written twice: in libs/access-guards (the guards derive their key, the rbac service recomputes
// it to verify) and in plain JavaScript in generate-env.js (compose and Kubernetes users generate keys without
// building TypeScript). These tests run generate-env.js as a user would and hold it to the TypeScript side; they live
// here because deploy may depend on the libs, never the other way round.

/** generate-env.js run as a user runs it, the secret in the environment as its header says. */
function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [GENERATE_ENV, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SERVICES = keyedServices();
const secretBytes = fc.uint8Array({ minLength: 32, maxLength: 64 });
const serviceName = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);

/** Every service's key in `values` is the one the TypeScript side derives from the secret in it, and verifies as that service's. */
function expectKeysOf(values: Record<string, string>, secretBase64: string): void {
  const secret = decodeServiceKeySecret(secretBase64);
  for (const service of SERVICES) {
    const key = values[serviceKeyVariable(service)];
    expect([service, key]).toEqual([service, deriveServiceKey(secret, service)]);
    expect(verifyServiceKey(key, [secret])).toBe(service);
  }
}

describe('service keys: generate-env.js and libs/access-guards', () => {
  it('gives a key to the services rbacGuardConfig has a key variable for: every service the image runs but rbac, which decides in-process', () => {
    expect(SERVICES.length).toBeGreaterThan(0);
    expect([...generateEnv.GUARDED_SERVICES].sort()).toEqual([...SERVICES].sort());
    expect([...SERVICES].sort()).toEqual(
      Object.keys(DEFAULT_PORTS)
        .filter((service) => service !== 'rbac')
        .sort(),
    );
  });

  it('prints with --service-key the key deriveServiceKey derives, for every service and random secrets', () => {
    fc.assert(
      fc.property(secretBytes, (bytes) => {
        const secret = Buffer.from(bytes).toString('base64');
        for (const service of SERVICES) {
          const printed = run(['--service-key', service], { LATCHKEY_RBAC_SERVICE_KEY_SECRET: secret });
          expect([service, printed.status, printed.stdout]).toEqual([service, 0, `${deriveServiceKey(bytes, service)}\n`]);
        }
      }),
      { numRuns: 4, endOnFailure: true },
    );
  });

  it('derives as deriveServiceKey does for any secret and service name (its exported function)', () => {
    fc.assert(
      fc.property(secretBytes, serviceName, (bytes, service) => {
        expect(generateEnv.serviceKey(Buffer.from(bytes).toString('base64'), service)).toBe(deriveServiceKey(bytes, service));
      }),
    );
  });

  it('writes into .env, --format json and --format k8s keys that the rbac service accepts as their own service’s', () => {
    const env = run([]);
    expect(env.status).toBe(0);
    const dotenv = Object.fromEntries(
      env.stdout.split('\n').flatMap((line) => {
        const match = /^([A-Z0-9_]+)='(.*)'$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    expectKeysOf(dotenv, dotenv['LATCHKEY_RBAC_SERVICE_KEY_SECRET']);

    const json = JSON.parse(run(['--format', 'json']).stdout) as Record<string, string>;
    expectKeysOf(json, json['LATCHKEY_RBAC_SERVICE_KEY_SECRET']);

    const k8s = Object.assign({}, ...generatedKubernetesSecrets().map((s) => s.stringData)) as Record<string, string>;
    expectKeysOf(k8s, k8s['LATCHKEY_RBAC_SERVICE_KEY_SECRET']);
  });

  it('refuses a malformed secret exactly when decodeServiceKeySecret refuses it (Node’s decoder would skip the junk)', () => {
    const refusedByTypeScript = (secret: string): boolean => {
      try {
        decodeServiceKeySecret(secret);
        return false;
      } catch {
        return true;
      }
    };
    const valid = Buffer.alloc(32, 7).toString('base64');
    // A valid secret with something inserted, cut or swapped: a space, a newline, base64url's - and _, junk, padding.
    const mangled = fc
      .tuple(fc.nat(valid.length), fc.nat(3), fc.constantFrom(' ', '\n', '-', '_', '*', '=', 'A', 'é'))
      .map(([at, cut, inserted]) => valid.slice(0, at) + inserted + valid.slice(Math.min(valid.length, at + cut)));
    fc.assert(
      fc.property(fc.oneof(mangled, fc.string({ maxLength: 60 })), (secret) => {
        const printed = run(['--service-key', 'issuer'], { LATCHKEY_RBAC_SERVICE_KEY_SECRET: secret });
        expect([secret, printed.status !== 0]).toEqual([secret, refusedByTypeScript(secret)]);
        if (printed.status !== 0) expect(printed.stdout).toBe('');
      }),
      {
        numRuns: 12,
        endOnFailure: true,
        examples: [[`${valid} `], [`${valid.slice(0, 20)}\n${valid.slice(20)}`], [valid.replace(/\+/g, '-')], [valid]],
      },
    );
  });

  it('refuses a secret shorter than 32 bytes exactly when decodeServiceKeySecret refuses it', () => {
    const refusedByTypeScript = (secret: string): boolean => {
      try {
        decodeServiceKeySecret(secret);
        return false;
      } catch {
        return true;
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (bytes) => {
        const secret = Buffer.from(bytes).toString('base64');
        const printed = run(['--service-key', 'issuer'], { LATCHKEY_RBAC_SERVICE_KEY_SECRET: secret });
        expect([bytes.length, printed.status !== 0]).toEqual([bytes.length, refusedByTypeScript(secret)]);
        if (printed.status !== 0) expect(printed.stdout).toBe('');
      }),
      { numRuns: 12, endOnFailure: true, examples: [[new Uint8Array(31)], [new Uint8Array(32)], [new Uint8Array(0)]] },
    );
  });
});
