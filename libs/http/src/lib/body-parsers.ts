import { LatchkeyError } from '@latchkey/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, RawServerDefault } from 'fastify';

/** The Azure services' wording for a body that is not JSON. */
export const JSON_PARSE_ERROR_MESSAGE = 'JSON parsing error.';

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
 * keeping Fastify's protection against prototype poisoning. Must run before
 * the app initialises.
 */
export function registerBodyParsers(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>('application/json', { bodyLimit }, (request, body, done) => {
    parseJson(request, body.toString('utf8'), (error, value) => {
      if (error) done(new LatchkeyError('HTTP.BAD_REQUEST', JSON_PARSE_ERROR_MESSAGE), undefined);
      else done(null, value);
    });
  });
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit }, (_request, body, done) => {
    done(null, parseForm(body.toString('utf8')));
  });
}
