import { LatchkeyError } from '@latchkey/contracts';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { azureWireError } from './azure-wire';
import { HTTP_ERROR_CODES } from './http-error-codes';
import { oauthWireError, toOAuthDescription } from './oauth-wire';
import { classifyError, renderWireError } from './wire-error';

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
});

describe(toOAuthDescription.name, () => {
  it('keeps printable ASCII and replaces quotes, backslashes, control and non-ASCII characters', () => {
    expect(toOAuthDescription('Scope "a\\b"\n is ünknown')).toBe('Scope ?a?b?? is ?nknown');
    expect(toOAuthDescription("client_id 'abc' is unknown.")).toBe("client_id 'abc' is unknown.");
  });
});
