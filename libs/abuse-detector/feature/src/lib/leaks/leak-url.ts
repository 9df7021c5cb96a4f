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

/** A run of `%XX` escapes: decoded as one, so a multi-byte UTF-8 character survives. */
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;
const HAS_ESCAPE = /%[0-9A-Fa-f]{2}/;

/**
 * `url` percent-decoded escape by escape, three times over (a twice-encoded
 * token is still a token). Never all or nothing: `decodeURIComponent` throws
 * on one stray `%` or a Latin-1 `%E9` anywhere, and a URL left undecoded
 * because of it would keep an encoded token whole. Bytes that are not UTF-8
 * become U+FFFD, shown as `?` like any other unprintable character.
 */
function decodedUrl(url: string): string {
  let text = url;
  for (let round = 0; round < 3 && HAS_ESCAPE.test(text); round++) {
    text = text.replace(ESCAPES, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
  }
  return text;
}

function redactedText(text: string): string {
  return redactSecretShapes(text).value as string;
}
