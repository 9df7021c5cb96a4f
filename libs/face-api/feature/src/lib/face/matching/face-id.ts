import { createHash } from 'node:crypto';

/** A GUID as the vendor accepts one: 8-4-4-4-12 hex digits, any case. */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The 4 check bytes of a face id: the vendor remembers detected faces for a day; we recognise ours without remembering. */
function checkBytes(body: Buffer): Buffer {
  return sha256(`latchkey-face-id-check:${body.toString('hex')}`).subarray(0, 4);
}

function formatGuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The faceId of the `index`-th face detected in the image at `url`: the
 * same image gives the same ids on every instance and after every restart,
 * with no state. 12 bytes come from the url and index (an RFC 9562 version 8,
 * "custom", UUID), the last 4 check them, so {@link isDetectedFaceId} tells
 * an id this service detected from any other GUID.
 */
export function detectedFaceId(url: string, index: number): string {
  const bytes = Buffer.alloc(16);
  sha256(`latchkey-face:${index}:${url}`).copy(bytes, 0, 0, 12);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  checkBytes(bytes.subarray(0, 12)).copy(bytes, 12);
  return formatGuid(bytes);
}

/** True when `faceId` came from {@link detectedFaceId} (any case): the stand-in for the vendor's "face not found" lookup. */
export function isDetectedFaceId(faceId: string): boolean {
  if (!GUID_PATTERN.test(faceId)) return false;
  const bytes = Buffer.from(faceId.replace(/-/g, ''), 'hex');
  return checkBytes(bytes.subarray(0, 12)).equals(bytes.subarray(12));
}
