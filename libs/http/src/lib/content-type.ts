/**
 * The labels of UTF-8 in the WHATWG Encoding Standard (what browsers and `fetch` read as UTF-8), lower-cased:
 * the bytes are decoded as UTF-8 under any of them, by us and by any reader following the standard.
 */
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);

/** The media type of a Content-Type value (`type/subtype`, lower-cased, without parameters); undefined for none. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * The index just past the quoted-string that opens at `quote` (RFC 9110 §5.6.4: `\` escapes the next character)
 * and its unescaped content; undefined when the quote is never closed.
 */
function readQuoted(text: string, quote: number): { readonly end: number; readonly value: string } | undefined {
  let value = '';
  let at = quote + 1;
  while (at < text.length && text[at] !== '"') {
    if (text[at] === '\\' && at + 1 < text.length) at += 1;
    value += text[at];
    at += 1;
  }
  return at < text.length ? { end: at + 1, value } : undefined;
}

/**
 * The value of every `charset` parameter of a Content-Type value (RFC 9110 §5.6.6: names case-insensitive,
 * values a token or a quoted-string), unquoted and trimmed. Lenient on purpose (spaces around `=`, an
 * unclosed quote): a malformed label must still be seen, so that it is refused rather than read as UTF-8.
 */
function charsetLabels(contentType: string): string[] {
  const labels: string[] = [];
  let at = contentType.indexOf(';');
  while (at !== -1) {
    const start = at + 1;
    const semicolon = contentType.indexOf(';', start);
    const equals = contentType.indexOf('=', start);
    if (equals === -1 || (semicolon !== -1 && semicolon < equals)) {
      at = semicolon;
      continue;
    }
    const name = contentType.slice(start, equals).trim().toLowerCase();
    let valueStart = equals + 1;
    while (contentType[valueStart] === ' ' || contentType[valueStart] === '\t') valueStart += 1;
    let value: string;
    if (contentType[valueStart] === '"') {
      // A `;` inside the quotes belongs to the value, not to the next parameter.
      const quoted = readQuoted(contentType, valueStart);
      // Unclosed, the value is kept with its quote: no label of UTF-8, so refused.
      value = quoted?.value ?? contentType.slice(valueStart);
      at = quoted === undefined ? -1 : contentType.indexOf(';', quoted.end);
    } else {
      at = contentType.indexOf(';', valueStart);
      value = contentType.slice(valueStart, at === -1 ? undefined : at);
    }
    if (name === 'charset') labels.push(value.trim().toLowerCase());
  }
  return labels;
}

/**
 * Whether a Content-Type value labels its body with a charset other than
 * UTF-8 (any `charset` parameter whose value is not one of UTF-8's labels,
 * compared case-insensitively, quoted or not). The platform decodes JSON and
 * form bodies as UTF-8 only (RFC 8259 §8.1 for JSON; WHATWG URL's form
 * parser), so a body so labelled would be read otherwise than its sender
 * and any proxy that honours the label read it: the parsers refuse it.
 * No charset, or a UTF-8 one, is false.
 */
export function hasNonUtf8Charset(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  return charsetLabels(contentType).some((label) => !UTF8_LABELS.has(label));
}
