/** Probe endpoints: never traced, never request-logged (they are polled every few seconds). */
export const PROBE_PATHS: readonly string[] = Object.freeze(['/healthz', '/readyz', '/metrics']);

/** Whether a request URL (path plus optional query) targets a probe endpoint. */
export function isProbePath(url: string | undefined): boolean {
  const path = (url ?? '').split('?', 1)[0];
  return PROBE_PATHS.includes(path);
}

/**
 * Query parameters whose values are credentials: Azure accepts the
 * subscription key as `?subscription-key=`, OAuth flows carry codes and
 * tokens. Redacted from span attributes here and from request logs in
 * libs/http (case-insensitively there; the OTel instrumentation matches
 * exact names, hence the casings).
 */
export const SENSITIVE_QUERY_PARAMS: readonly string[] = Object.freeze([
  'subscription-key',
  'Subscription-Key',
  'api-key',
  'key',
  'code',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'subject_token',
  'actor_token',
  'client_secret',
  'assertion',
  'password',
  // The instrumentation's own defaults, which an explicit list replaces.
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
]);

const SENSITIVE_QUERY = new Set(SENSITIVE_QUERY_PARAMS.map((name) => name.toLowerCase()));

/**
 * `url` (absolute, path, or bare query) with the values of credential query
 * parameters replaced, names matched case-insensitively; unchanged when it
 * has none.
 */
export function redactUrl(url: string, replacement = '[Redacted]'): string {
  const queryStart = url.indexOf('?');
  const prefix = queryStart < 0 ? '' : url.slice(0, queryStart + 1);
  const query = queryStart < 0 ? url : url.slice(queryStart + 1);
  if (queryStart < 0 && !query.includes('=')) return url;
  const params = new URLSearchParams(query);
  let changed = false;
  for (const name of new Set(params.keys())) {
    if (SENSITIVE_QUERY.has(name.toLowerCase())) {
      params.set(name, replacement);
      changed = true;
    }
  }
  return changed ? `${prefix}${params.toString()}` : url;
}

/** Whether a query parameter name carries a credential. */
export function isSensitiveQueryParam(name: string): boolean {
  return SENSITIVE_QUERY.has(name.toLowerCase());
}
