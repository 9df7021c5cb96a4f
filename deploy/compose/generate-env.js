'use strict';
/**
 * Prints a fresh .env for compose.yaml: every secret the platform needs with
 * PostgreSQL, generated on this machine and never committed.
 *
 *   node deploy/compose/generate-env.js > deploy/compose/.env
 *
 * `--format json` prints them as one object. Kubernetes (docs/DEPLOY.md,
 * "Secrets"): `--format k8s` prints them as Secrets, with DATABASE_URL from
 * the environment, each service's rbac key in a Secret of its own:
 *
 *   DATABASE_URL='postgres://…' node deploy/compose/generate-env.js --format k8s | kubectl -n latchkey create -f -
 *
 * One service's key towards the rbac service, derived from the secret in
 * LATCHKEY_RBAC_SERVICE_KEY_SECRET (docs/RBAC.md "Service keys"):
 *
 *   LATCHKEY_RBAC_SERVICE_KEY_SECRET=… node deploy/compose/generate-env.js --service-key issuer
 */
const { createHmac, generateKeyPairSync, randomBytes } = require('node:crypto');

/** The services that ask the rbac service for decisions, each with its own key (the rbac service decides in-process). */
const GUARDED_SERVICES = ['issuer', 'face-api', 'exchange', 'audit', 'abuse-detector', 'testapi'];

/**
 * A service's key: `lk_svc_<service>_<base64url HMAC-SHA256(secret, label + service)>`, the same derivation as
 * libs/access-guards/src/lib/rbac/service-key.ts (the rbac service recomputes it to verify).
 */
function serviceKey(secretBase64, service) {
  // SERVICE_KEY_SECRET_BASE64 of service-key.ts: Node's decoder skips what is not base64, so a mistyped secret would
  // give keys here that the rbac service (which refuses it at boot) never checks against.
  if (!/^(?:[A-Za-z0-9+/]{4}){10,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(secretBase64)) {
    throw new Error('LATCHKEY_RBAC_SERVICE_KEY_SECRET must be standard base64 of at least 32 bytes');
  }
  const secret = Buffer.from(secretBase64, 'base64');
  if (secret.length < 32) throw new Error('LATCHKEY_RBAC_SERVICE_KEY_SECRET must be base64 of at least 32 bytes');
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(service)) throw new Error(`"${service}" is not a service name`);
  const mac = createHmac('sha256', secret).update(`latchkey/rbac-service-key/v1:${service}`, 'utf8').digest('base64url');
  return `lk_svc_${service}_${mac}`;
}

/** `face-api` → `LATCHKEY_FACE_API_RBAC_KEY`. */
const serviceKeyVariable = (service) => `LATCHKEY_${service.toUpperCase().replace(/-/g, '_')}_RBAC_KEY`;

/** The rbac service's own Secret: whoever reads the secret the keys are derived from can make every service's key. */
const DERIVATION_SECRET_NAME = 'latchkey-rbac-service-key-secret';

/**
 * The Kubernetes Secret that holds `variable`. Whoever may read a Secret reads every key in it (RBAC on
 * Secrets, mounts and `kubectl get` cannot select keys), so each service's rbac key has a Secret of its own,
 * `latchkey-<service>-rbac-key`, and the secret they derive from (with, while rotating, the previous one)
 * another; everything else stays in latchkey-secrets.
 */
function kubernetesSecretOf(variable) {
  const owner = GUARDED_SERVICES.find((service) => serviceKeyVariable(service) === variable);
  if (owner !== undefined) return `latchkey-${owner}-rbac-key`;
  if (variable === 'LATCHKEY_RBAC_SERVICE_KEY_SECRET' || variable === 'LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET') return DERIVATION_SECRET_NAME;
  return 'latchkey-secrets';
}

/** `values` as a kubectl List of Opaque Secrets (stringData), each variable in the Secret kubernetesSecretOf names. */
function kubernetesSecrets(values) {
  const byName = new Map();
  for (const [variable, value] of Object.entries(values)) {
    const name = kubernetesSecretOf(variable);
    byName.set(name, { ...byName.get(name), [variable]: value });
  }
  const items = [...byName].map(([name, stringData]) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData }));
  return { apiVersion: 'v1', kind: 'List', items };
}

/** Base64 of 32 random bytes: the issuer's key-encryption key and digest secret. */
const key32 = () => randomBytes(32).toString('base64');
/** An operator bearer key: 43 URL-safe characters (the services want at least 32). */
const operatorKey = () => randomBytes(32).toString('base64url');
/** A private JWK as one line of JSON. */
const privateJwk = (type, options) => JSON.stringify(generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }));

function secrets() {
  const serviceKeySecret = key32();
  return {
    POSTGRES_PASSWORD: randomBytes(24).toString('base64url'),
    LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: key32(),
    LATCHKEY_ISSUER_KEY_DIGEST_SECRET: key32(),
    LATCHKEY_ISSUER_OPERATOR_KEY: operatorKey(),
    LATCHKEY_FACE_API_OPERATOR_KEY: operatorKey(),
    LATCHKEY_EXCHANGE_SIGNING_KEY: privateJwk('ec', { namedCurve: 'P-256' }),
    LATCHKEY_EXCHANGE_OPERATOR_KEY: operatorKey(),
    LATCHKEY_RBAC_OPERATOR_KEY: operatorKey(),
    LATCHKEY_RBAC_SERVICE_KEY_SECRET: serviceKeySecret,
    // Each service gets only its own key; the secret stays with the rbac service.
    ...Object.fromEntries(GUARDED_SERVICES.map((service) => [serviceKeyVariable(service), serviceKey(serviceKeySecret, service)])),
    LATCHKEY_AUDIT_SIGNING_KEY: privateJwk('ed25519'),
    LATCHKEY_AUDIT_OPERATOR_KEY: operatorKey(),
    LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: operatorKey(),
  };
}

function main(argv) {
  if (argv.includes('--service-key')) {
    // The secret from the environment, not the command line (which other users of the machine can read).
    const secret = process.env.LATCHKEY_RBAC_SERVICE_KEY_SECRET;
    if (!secret) throw new Error('set LATCHKEY_RBAC_SERVICE_KEY_SECRET to the rbac service’s secret');
    process.stdout.write(`${serviceKey(secret, argv[argv.indexOf('--service-key') + 1] ?? '')}\n`);
    return;
  }
  const values = secrets();
  const format = argv.includes('--format') ? argv[argv.indexOf('--format') + 1] : undefined;
  if (format === 'k8s') {
    // Every pod needs DATABASE_URL (from the environment: a command line is readable by the machine's other users);
    // POSTGRES_PASSWORD is compose's own PostgreSQL's.
    if (!process.env.DATABASE_URL) throw new Error('set DATABASE_URL to the services’ PostgreSQL URL');
    const platform = { ...values, DATABASE_URL: process.env.DATABASE_URL };
    delete platform.POSTGRES_PASSWORD;
    process.stdout.write(`${JSON.stringify(kubernetesSecrets(platform), null, 2)}\n`);
    return;
  }
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(values, null, 2)}\n`);
    return;
  }
  const lines = ['# Generated by deploy/compose/generate-env.js: local secrets, never commit this file.'];
  // Single quotes: compose takes the value literally (the JWKs hold double quotes).
  for (const [name, value] of Object.entries(values)) lines.push(`${name}='${value}'`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) main(process.argv.slice(2));

module.exports = { secrets, serviceKey, kubernetesSecretOf, kubernetesSecrets, GUARDED_SERVICES };
