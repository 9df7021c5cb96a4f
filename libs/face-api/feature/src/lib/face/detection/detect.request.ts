import { z } from 'zod';
import { parseFaceBody } from '../face-request';

/** Longer image URLs are refused before anything else looks at them. */
const MAX_URL_LENGTH = 2048;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * `POST /face/v1.0/detect` with a JSON body, as the vendor's: the image's
 * URL. The stand-in never fetches it (no outbound request, so no SSRF
 * surface): the faces are derived from the URL itself.
 */
export const DetectBody = z.object({
  url: z
    .string()
    .max(MAX_URL_LENGTH)
    .refine(isHttpUrl, { message: 'must be an absolute http or https URL' })
    .describe('The image’s URL (http or https, at most 2048 characters). Never fetched: the faces are derived from it.'),
});

/** What detect works on. */
export interface DetectRequest {
  readonly url: string;
}

/** @throws FaceError FACE.BODY_INVALID (not a JSON object) or FACE.IMAGE_URL_INVALID */
export function parseDetectRequest(body: unknown): DetectRequest {
  return parseFaceBody(DetectBody, body, { url: 'FACE.IMAGE_URL_INVALID' });
}
