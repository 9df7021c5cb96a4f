import { LatchkeyError } from '@latchkey/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { findDuplicateJsonKey } from './duplicate-json-key';

/** The Azure services' wording for a body that is not JSON. */
export const JSON_PARSE_ERROR_MESSAGE = 'JSON parsing error.';

/** A key shown in the duplicate-key message: short, and only characters that field names use (no control, quote, bidi or look-alike characters). */
const SHOWABLE_KEY = /^[A-Za-z0-9_.:@$-]{1,64}$/;

/**
 * Said for a JSON body in which an object repeats a key. The key is named
 * when it looks like a field name; any other key (long, empty, control or
 * non-ASCII characters) is not repeated back.
 */
export function duplicateJsonKeyMessage(key: string): string {
  return SHOWABLE_KEY.test(key) ? `The JSON body repeats the key "${key}".` : 'The JSON body repeats a key in an object.';
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
 * Registers the JSON and form parsers in place of Nest's. Nest rethrows
 * Fastify's JSON parse errors as a bare HttpException(400), which no longer
 * says what failed; these raise `HTTP.BAD_REQUEST` "JSON parsing error.",
 * keeping Fastify's protection against prototype poisoning. A JSON body whose
 * objects repeat a key is refused too (`HTTP.BAD_REQUEST`,
 * {@link duplicateJsonKeyMessage}): JSON.parse would keep the last value, a
 * proxy or audit reader of the same bytes perhaps the first. Must run before
 * the app initialises.
 */
export function registerBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    // A DELETE with no body at all under a JSON content type (many clients send the header on every request):
    // no body, not a parse error. A POST, PUT or PATCH keeps the vendor's answer, "JSON parsing error.".
    if (body.length === 0 && request.method === 'DELETE') {
      done(null, undefined);
      return;
    }
    const text = body.toString('utf8');
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
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_request, body, done) => {
    done(null, parseForm(body.toString('utf8')));
  });
}
