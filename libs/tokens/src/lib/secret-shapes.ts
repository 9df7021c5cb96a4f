/** What a stored value must never contain. */
export type SecretShape = 'jwt' | 'api-key' | 'webhook-secret' | 'bearer-credential' | 'private-key';

/** A JWS segment separator: a dot, or a dot percent-encoded once (a token copied into a URL). */
const DOT = String.raw`(?:\.|%2[Ee])`;

const SHAPES: readonly (readonly [SecretShape, RegExp])[] = [
  // A compact JWS/JWT: its header is base64url JSON, so it starts with `eyJ` (`{"`).
  ['jwt', new RegExp(`eyJ[A-Za-z0-9_-]{8,}${DOT}[A-Za-z0-9_-]{8,}${DOT}[A-Za-z0-9_-]{16,}`)],
  // The platform's API keys (api-key.ts): a kind prefix and a 43-character base64url body, and the services' keys
  // towards the rbac service, `lk_svc_<service>_<43 base64url>` (derived; access-guards service-key.ts). No word
  // boundary before the prefix: `x_lk_op_…` is still a key (`_` is a word character).
  ['api-key', /lk_(?:isv|cli|op|app|svc)_[A-Za-z0-9_-]{40,}/],
  // A Standard Webhooks signing secret (the abuse detector's ISV webhooks): `whsec_` and base64.
  ['webhook-secret', /whsec_[A-Za-z0-9+/=_-]{24,}/],
  ['bearer-credential', /\bBearer\s+[A-Za-z0-9._~+/=-]{20,}/i],
  ['private-key', /-----BEGIN [A-Z ]*PRIVATE KEY-----|"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
];

/** The same patterns with the global flag, for replacing every occurrence (compiled once: this runs for every stored event). */
const REPLACERS: readonly (readonly [SecretShape, RegExp, RegExp])[] = SHAPES.map(([shape, pattern]) => [
  shape,
  pattern,
  new RegExp(pattern.source, `${pattern.flags}g`),
]);

/**
 * `value` with every secret-shaped substring replaced by `[redacted:<shape>]`
 * (object keys too), and what was replaced. Events are built from request
 * fields a caller controls (a user agent, say), so a token can arrive in
 * one even though no producer ever puts one there on purpose. A value
 * without findings comes back as the same object (the usual case costs
 * only the pattern tests, no copy).
 */
export function redactSecretShapes(value: unknown, path = '$'): { value: unknown; findings: SecretFinding[] } {
  const findings: SecretFinding[] = [];
  return { value: redact(value, () => path, findings), findings };
}

function redact(value: unknown, path: () => string, findings: SecretFinding[]): unknown {
  if (typeof value === 'string') {
    let redacted = value;
    for (const [shape, pattern, everywhere] of REPLACERS) {
      if (!pattern.test(redacted)) continue;
      redacted = redacted.replace(everywhere, `[redacted:${shape}]`);
      findings.push({ path: path(), shape });
    }
    return redacted;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => redact(item, () => `${path()}[${index}]`, findings));
    return items.every((item, index) => item === value[index]) ? value : items;
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const k = redact(key, () => `${path()}.<key>`, findings) as string;
      const v = redact(item, () => `${path()}.${key}`, findings);
      changed ||= k !== key || v !== item;
      out[k] = v;
    }
    return changed ? out : value;
  }
  return value;
}

/** One secret-shaped string, by where it sits in the value and what it looks like (never the string itself). */
export interface SecretFinding {
  readonly path: string;
  readonly shape: SecretShape;
}

/**
 * Every string in `value` (any JSON value, walked in full: object keys
 * too) that looks like a token, an API key, a bearer credential or a
 * private key. The audit store keeps identifiers only; a finding means a
 * producer put a secret into an event. Findings name the path and the
 * shape, never the match, so they can be logged.
 */
export function findSecretShapes(value: unknown, path = '$'): SecretFinding[] {
  if (typeof value === 'string') return SHAPES.filter(([, pattern]) => pattern.test(value)).map(([shape]) => ({ path, shape }));
  if (Array.isArray(value)) return value.flatMap((item, index) => findSecretShapes(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...findSecretShapes(key, `${path}.<key>`), ...findSecretShapes(item, `${path}.${key}`)]);
  }
  return [];
}
