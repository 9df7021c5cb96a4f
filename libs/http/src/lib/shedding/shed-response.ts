import type { ErrorWireMapping } from '../errors/error-mapping.registry';
import { renderWireError, type WireError } from '../errors/wire-error';
import type { WireFamily } from '../errors/wire-format.decorator';

/** The `innererror.code` of a shed request: distinct from every refusal a service's own code makes. */
export const SHED_INNER_CODE = 'ServerOverloaded';

const SHED_MAPPING: ErrorWireMapping = {
  status: 503,
  azureCode: 'ServiceUnavailable',
  azureInnerCode: SHED_INNER_CODE,
  oauthError: 'temporarily_unavailable',
  message: 'The service is busy. Retry after the number of seconds in Retry-After.',
};

/** What a shed request is answered: status, body and headers, in the route's wire family. */
export interface ShedResponse extends WireError {
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The answer to a shed request, rendered by the same code as every other
 * error (libs/http errors), so clients see the service's usual shape:
 * Azure `{"error":{"code":"ServiceUnavailable","message","innererror":{"code":"ServerOverloaded",…}}}`
 * with `x-ms-error-code`, or RFC 6749 `temporarily_unavailable` on OAuth routes.
 */
export function shedResponse(family: WireFamily, retryAfterSeconds: number): ShedResponse {
  const wire = renderWireError(
    { kind: 'mapped', code: 'HTTP.OVERLOADED', mapping: SHED_MAPPING, message: 'This instance is overloaded; the request was not processed.' },
    family,
  );
  const headers: Record<string, string> = {
    'retry-after': String(retryAfterSeconds),
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (family === 'azure') headers['x-ms-error-code'] = SHED_MAPPING.azureCode;
  return { ...wire, headers };
}
