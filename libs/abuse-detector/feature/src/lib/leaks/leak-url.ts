import { redactSecretShapes } from '@latchkey/tokens';

/**
 * The URL for an explanation: printable, bounded, and never carrying the
 * token itself, in any spelling. The URL is read percent-decoded (a token
 * copied into a path often has its dots encoded), the reported token is
 * replaced by `[token]`, and then anything else secret-shaped (another
 * token of the same report, a key) by the audit store's own redaction.
 * Decoding first also means an explanation never shows `%`-escapes a
 * reader would have to decode to see what was there.
 */
export function describeUrl(url: string, token: string): string {
  const printable = redactedText(decodedUrl(url).split(token).join('[token]')).replace(/[^\x20-\x7e]/g, '?');
  if (printable.length === 0) return '(no URL given)';
  return printable.length > 1000 ? `${printable.slice(0, 1000)}…` : printable;
}

/** `url` percent-decoded, repeatedly (a twice-encoded token is still a token), or as given where it does not decode. */
function decodedUrl(url: string): string {
  let text = url;
  for (let round = 0; round < 3 && text.includes('%'); round++) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return text;
    }
  }
  return text;
}

function redactedText(text: string): string {
  return redactSecretShapes(text).value as string;
}
