/**
 * Server-sent events framing (WHATWG HTML, "Server-sent events"): what the
 * alert stream writes. Kept apart so the framing can be tested without a
 * socket.
 */

/** An event name: a word, so it can never break out of its `event:` line. */
const EVENT_NAME = /^[A-Za-z][\w.-]{0,63}$/;

/**
 * One event: `event: <name>`, then the JSON of `data` on `data:` lines,
 * then the blank line that dispatches it. JSON.stringify escapes newlines
 * inside strings, but the data is split on line breaks anyway so a value
 * can never end the event early or inject a field.
 */
export function sseEvent(name: string, data: unknown): string {
  if (!EVENT_NAME.test(name)) throw new Error(`not an SSE event name: ${JSON.stringify(name)}`);
  const json = JSON.stringify(data) ?? 'null';
  const lines = json.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`);
  return `event: ${name}\n${lines.join('')}\n`;
}

/** A comment line (ignored by clients): keeps proxies and the connection from timing out. Line breaks become spaces. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** The client's reconnection delay, in milliseconds. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
