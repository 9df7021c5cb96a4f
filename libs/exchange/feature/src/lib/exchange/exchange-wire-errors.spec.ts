import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCHANGE_ERROR_CODES } from '@latchkey/contracts';
import { EXCHANGE_WIRE_ERRORS } from './exchange-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const DOC = readFileSync(join(__dirname, '../../../../../../docs/EXCHANGE.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('EXCHANGE_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = EXCHANGE_ERROR_CODES.map((code) => EXCHANGE_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(EXCHANGE_ERROR_CODES.length);
  });

  it('answers a problem with the token 401, a policy 403, the identity provider out of reach 503', () => {
    expect(EXCHANGE_WIRE_ERRORS['EXCHANGE.EXPIRED'].status).toBe(401);
    expect(EXCHANGE_WIRE_ERRORS['EXCHANGE.APP_ONLY_NOT_ALLOWED'].status).toBe(403);
    expect(EXCHANGE_WIRE_ERRORS['EXCHANGE.JWKS_UNAVAILABLE']).toMatchObject({ status: 503, oauthError: 'temporarily_unavailable' });
  });

  it('answers a bad subject token invalid_request on the token endpoint (RFC 8693 §2.2.2), never invalid_grant', () => {
    for (const code of ['EXCHANGE.BAD_SIGNATURE', 'EXCHANGE.EXPIRED', 'EXCHANGE.WRONG_AUDIENCE', 'EXCHANGE.ISSUER_UNTRUSTED'] as const) {
      expect(EXCHANGE_WIRE_ERRORS[code].oauthError).toBe('invalid_request');
    }
  });

  it('is documented row for row in docs/EXCHANGE.md', () => {
    for (const code of EXCHANGE_ERROR_CODES) {
      const m = EXCHANGE_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${m.oauthError ?? '—'}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
