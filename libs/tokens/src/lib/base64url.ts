const ALPHABET = /^[A-Za-z0-9_-]*$/;

/**
 * Decodes unpadded base64url strictly, or returns undefined. Node's decoder
 * skips characters outside the alphabet and ignores the unused low bits of
 * the last character, so two different strings can decode to the same
 * bytes. Where the text itself matters (a JWS signature segment, a sealed
 * key) only the canonical spelling is accepted.
 */
export function decodeBase64urlStrict(text: string): Buffer | undefined {
  if (!ALPHABET.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
