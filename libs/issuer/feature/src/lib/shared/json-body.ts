import { LatchkeyError } from '@latchkey/contracts';

const JSON_MEDIA_TYPE = 'application/json';

/**
 * Refuses a body sent as anything but JSON on a route that reads JSON, with
 * the 415 the platform answers for any media type it has no parser for. The
 * platform also parses forms (for `issueToken`'s documented empty form
 * request) and plain text, and a form's repeated parameter becomes an array:
 * `featureFlags=Face.Verification&featureFlags=Face.Identification` would
 * otherwise pass for the JSON body the vendor documents. Checked before the
 * key, like every other body the HTTP layer cannot read for the route.
 * No content type means no body (Fastify refuses a body without one), and
 * the body checks then say what is missing.
 */
export function assertJsonBody(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== JSON_MEDIA_TYPE) throw new LatchkeyError('HTTP.UNSUPPORTED_MEDIA_TYPE', 'Invalid Media Type.');
}
