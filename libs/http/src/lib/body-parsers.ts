import { LatchkeyError } from '@latchkey/contracts';
import { findSecretShapes } from '@latchkey/tokens';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import { acceptsForm } from './accepts-form.decorator';
import { hasNonUtf8Charset } from './content-type';
import { findDuplicateJsonKey } from './duplicate-json-key';

/** The Azure services' wording for a body that is not JSON. */
export const JSON_PARSE_ERROR_MESSAGE = 'JSON parsing error.';
/** The Azure services' wording for a media type the route does not read (the platform's 415, whatever refused it). */
export const UNSUPPORTED_MEDIA_TYPE_MESSAGE = 'Invalid Media Type.';

/** RFC 8259 §8.1: implementations MUST NOT add a byte order mark to JSON, and MAY ignore one. */
const BYTE_ORDER_MARK = '\uFEFF';

/** The platform's 415, in the route's wire family. */
function unsupportedMediaType(): LatchkeyError<'HTTP.UNSUPPORTED_MEDIA_TYPE'> {
  return new LatchkeyError('HTTP.UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_MEDIA_TYPE_MESSAGE);
}

/** A key shown in the duplicate-key message: short, and only characters that field names use (no control, quote, bidi or look-alike characters). */
const SHOWABLE_KEY = /^[A-Za-z0-9_.:@$-]{1,64}$/;
/**
 * The starts of the platform's credentials (API keys `lk_…`, webhook secrets `whsec_…`, JWTs `eyJ…`): a key
 * starting so is never repeated back, even shorter than findSecretShapes' patterns (a key cut short is still
 * most of one).
 */
const CREDENTIAL_PREFIX = /^(?:lk_|whsec_|eyJ)/;

/**
 * Said for a JSON body in which an object repeats a key. The key is named
 * when it looks like a field name; any other key (long, empty, control or
 * non-ASCII characters) is not repeated back, nor one shaped like a
 * credential (a caller who pasted a key where a field name goes gets no
 * copy of it in an answer that proxies and logs may keep).
 */
export function duplicateJsonKeyMessage(key: string): string {
  const showable = SHOWABLE_KEY.test(key) && !CREDENTIAL_PREFIX.test(key) && findSecretShapes(key).length === 0;
  return showable ? `The JSON body repeats the key "${key}".` : 'The JSON body repeats a key in an object.';
}

/**
 * Whether an empty body under a JSON content type is no body rather than malformed JSON: on a DELETE (many
 * clients send the header on every request), and on a route that takes forms ({@link AcceptsForm}), which is
 * called with empty bodies (the vendor's empty-form `issueToken`); a client sending JSON's content type with
 * them means the same empty request. A JSON route's POST, PUT or PATCH keeps the vendor's "JSON parsing error.".
 */
function emptyJsonIsNoBody(request: FastifyRequest): boolean {
  return request.method === 'DELETE' || acceptsForm(request);
}

/** An `application/x-www-form-urlencoded` body; a repeated parameter becomes an array (RFC 6749 §3.1 forbids them, so the OAuth endpoint must be able to see it). */
export type FormBody = Record<string, string | string[]>;

export function parseForm(text: string): FormBody {
  // No prototype: a parameter named __proto__ stays a parameter.
  const form = Object.create(null) as FormBody;
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = form[name];
    form[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return form;
}

/**
 * Registers the JSON, form and plain-text parsers in place of Nest's and
 * Fastify's. Nest rethrows Fastify's JSON parse errors as a bare
 * HttpException(400), which no longer says what failed; these raise
 * `HTTP.BAD_REQUEST` "JSON parsing error.", keeping Fastify's protection
 * against prototype poisoning. A JSON body whose objects repeat a key is
 * refused too (`HTTP.BAD_REQUEST`, {@link duplicateJsonKeyMessage}):
 * JSON.parse would keep the last value, a proxy or audit reader of the same
 * bytes perhaps the first. A form is read only by a route marked
 * {@link AcceptsForm}; any other answers it `HTTP.UNSUPPORTED_MEDIA_TYPE`.
 * JSON and forms are read as UTF-8 only: a `charset` other than UTF-8 is
 * `HTTP.UNSUPPORTED_MEDIA_TYPE` too ({@link hasNonUtf8Charset}); a UTF-8
 * byte order mark before JSON is ignored (RFC 8259 §8.1 allows it).
 * An empty plain-text body is no body; any other is the string, decoded as
 * UTF-8 whatever its charset (no route reads text, the gateway forwards its
 * bytes). Every parsed body also keeps its exact bytes as `request.rawBody`
 * (Nest's `rawBody` option), for routes that verify a signature over them or
 * forward them. Must run before the app initialises.
 */
export function registerBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    // Before anything is decoded, even an empty body: the label says the bytes are not what we would read.
    if (hasNonUtf8Charset(request.headers['content-type'])) {
      done(unsupportedMediaType(), undefined);
      return;
    }
    if (body.length === 0 && emptyJsonIsNoBody(request)) {
      done(null, undefined);
      return;
    }
    const decoded = body.toString('utf8');
    // Dropped here rather than left to secure-json-parse (which also drops it): the duplicate-key walk then reads
    // the very text that was parsed. Refusing it instead would turn away files saved by Windows tools that write one
    // (PowerShell 5's UTF-8) and sent as they are. `rawBody` keeps it: those are the bytes sent.
    const text = decoded.startsWith(BYTE_ORDER_MARK) ? decoded.slice(1) : decoded;
    parseJson(request, text, (error, value) => {
      if (error) {
        done(new LatchkeyError('HTTP.BAD_REQUEST', JSON_PARSE_ERROR_MESSAGE), undefined);
        return;
      }
      // After the parse, which vouches that the text is JSON: the walk relies on it.
      const duplicate = findDuplicateJsonKey(text);
      if (duplicate === undefined) done(null, value);
      else done(new LatchkeyError('HTTP.BAD_REQUEST', duplicateJsonKeyMessage(duplicate)), undefined);
    });
  });
  app.useBodyParser<RawServerDefault>('application/x-www-form-urlencoded', { bodyLimit }, (request, body, done) => {
    // The route config is known here (Fastify routes before it parses); the body has been read, within the limit.
    // The form media type registers no charset parameter, but a client that labels one (iso-8859-1, say)
    // percent-encoded bytes of that charset, which the UTF-8 decoding would turn into other characters.
    if (acceptsForm(request) && !hasNonUtf8Charset(request.headers['content-type'])) done(null, parseForm(body.toString('utf8')));
    else done(unsupportedMediaType(), undefined);
  });
  // Fastify's own text/plain parser hands a route "" for an empty body, which a route's no-body schema refuses
  // while an empty JSON DELETE passes: an empty body is no body under every content type. Through Nest, like the
  // others, so the bytes are kept as `rawBody`: the gateway forwards a text body byte for byte (Fastify's parser
  // kept only the decoded string, and the gateway forwarded nothing). Nest's call replaces Fastify's default parser.
  app.useBodyParser<RawServerDefault>('text/plain', { bodyLimit }, (_request, body, done) => {
    done(null, body.length === 0 ? undefined : body.toString('utf8'));
  });
}
