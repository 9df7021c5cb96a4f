import { LatchkeyError } from '@latchkey/contracts';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { azureWireError } from './azure-wire';
import { HTTP_ERROR_CODES } from './http-error-codes';
import { oauthWireError, toOAuthDescription, type OAuthErrorCode } from './oauth-wire';
import { classifyError, renderWireError, UNSTORABLE_TEXT_MESSAGE, type ClassifiedError } from './wire-error';

const noMappings = () => undefined;

describe(renderWireError.name, () => {
  it.each(HTTP_ERROR_CODES)('gives %s the same status in the Azure and OAuth families', (code) => {
    expect(azureWireError(code).status).toBe(oauthWireError(code).status);
    expect(azureWireError(code).status).toBeGreaterThanOrEqual(400);
  });

  it('derives the OAuth error from the status when a mapping names none', () => {
    const wire = renderWireError(
      { kind: 'mapped', code: 'X.Y', mapping: { status: 401, azureCode: 'Unauthorized' }, message: 'Bad client.' },
      'oauth',
    );
    expect(wire).toEqual({ status: 401, body: { error: 'invalid_client', error_description: 'Bad client.' } });
  });

  const mapped = (status: number, oauthError?: OAuthErrorCode): ClassifiedError => ({
    kind: 'mapped',
    code: 'X.Y',
    mapping: { status, azureCode: 'Unauthorized', azureInnerCode: 'TokenExpired', ...(oauthError === undefined ? {} : { oauthError }) },
    message: 'Refused.',
  });

  it.each([
    // RFC 6749 §5.2 / RFC 8693 §2.2.2: the token endpoint answers 400 whatever the Azure shape's status says.
    [401, 'invalid_request', 400],
    [403, 'invalid_request', 400],
    [403, 'unauthorized_client', 400],
    [403, 'invalid_grant', 400],
    [403, 'unsupported_grant_type', 400],
    [403, 'invalid_scope', 400],
    [404, 'invalid_target', 400],
    [400, 'invalid_client', 401],
    // RFC 6750 §3.1 on resource routes.
    [400, 'invalid_token', 401],
    [400, 'insufficient_scope', 403],
    [400, 'access_denied', 403],
    [503, 'temporarily_unavailable', 503],
    [429, 'temporarily_unavailable', 429],
    [502, 'server_error', 500],
  ] as const)('answers a mapping of status %i with OAuth error %s as %i on OAuth routes', (status, oauthError, expected) => {
    expect(renderWireError(mapped(status, oauthError), 'oauth')).toEqual({
      status: expected,
      body: { error: oauthError, error_description: 'Refused.' },
    });
  });

  it.each([
    [404, 'invalid_request', 400],
    [403, 'access_denied', 403],
    [429, 'temporarily_unavailable', 429],
    [502, 'server_error', 500],
  ] as const)('gives a mapping of status %i without an OAuth error %s, answered %i', (status, oauthError, expected) => {
    expect(renderWireError(mapped(status), 'oauth')).toMatchObject({ status: expected, body: { error: oauthError } });
  });

  it('keeps the mapping status in the Azure family', () => {
    expect(renderWireError(mapped(401, 'invalid_request'), 'azure')).toEqual({
      status: 401,
      body: { error: { code: 'Unauthorized', message: 'Refused.', innererror: { code: 'TokenExpired', message: 'Refused.' } } },
    });
  });

  it('renders an unmapped code as INTERNAL', () => {
    expect(renderWireError({ kind: 'unmapped', code: 'X.Y' }, 'azure')).toEqual({
      status: 500,
      body: { error: { code: 'InternalServerError', message: 'An internal error occurred.' } },
    });
  });
});

describe(classifyError.name, () => {
  it('never trusts the message of a Nest exception', () => {
    expect(classifyError(new NotFoundException('Cannot GET /secret/path'), noMappings)).toEqual({
      kind: 'generic',
      code: 'HTTP.NOT_FOUND',
    });
    expect(classifyError(new BadRequestException('raw parser detail'), noMappings)).toEqual({
      kind: 'generic',
      code: 'HTTP.BAD_REQUEST',
    });
  });

  it('never shows the message of a LatchkeyError raised as INTERNAL', () => {
    expect(classifyError(new LatchkeyError('INTERNAL', 'pool exhausted on db-3'), noMappings)).toEqual({
      kind: 'generic',
      code: 'INTERNAL',
    });
  });

  it('does not take a statusCode from errors of other libraries', () => {
    const upstream = Object.assign(new Error('upstream said 404'), { statusCode: 404, code: 'ERR_UPSTREAM' });
    expect(classifyError(upstream, noMappings)).toEqual({ kind: 'generic', code: 'INTERNAL' });
  });

  it('answers 400 for text the database could not store (a NUL byte: SQLSTATE 22021, under a wrapper as Drizzle throws it)', () => {
    const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const classified = classifyError(new Error('Failed query: insert into …', { cause: driver }), noMappings);
    expect(classified).toEqual({ kind: 'generic', code: 'HTTP.BAD_REQUEST', message: UNSTORABLE_TEXT_MESSAGE });
    expect(renderWireError(classified, 'azure').status).toBe(400);
  });
});

describe(toOAuthDescription.name, () => {
  it('keeps printable ASCII, turns a double quote into a single one, and replaces backslashes, control and non-ASCII characters', () => {
    expect(toOAuthDescription('Scope "a\\b"\n is ünknown')).toBe("Scope 'a?b'? is ?nknown");
    expect(toOAuthDescription("client_id 'abc' is unknown.")).toBe("client_id 'abc' is unknown.");
  });
});
