import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCHANGE_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { EXCHANGE_ADMIN_WIRE_ERRORS } from './exchange-admin-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const readDoc = () => readFileSync(join(__dirname, '../../../../../../docs/EXCHANGE.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('EXCHANGE_ADMIN_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = EXCHANGE_ADMIN_ERROR_CODES.map((code) => EXCHANGE_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(EXCHANGE_ADMIN_ERROR_CODES.length);
  });

  it('answers every credential problem 401 with one message that says nothing more', () => {
    const credential = EXCHANGE_ADMIN_ERROR_CODES.filter((code) => EXCHANGE_ADMIN_WIRE_ERRORS[code].status === 401);
    expect(credential).toEqual(['EXCHANGE.ADMIN_UNAUTHENTICATED', 'EXCHANGE.ADMIN_CREDENTIAL_INVALID', 'EXCHANGE.ADMIN_API_DISABLED']);
    expect(new Set(credential.map((code) => EXCHANGE_ADMIN_WIRE_ERRORS[code].message)).size).toBe(1);
  });

  it('is documented row for row in docs/EXCHANGE.md', () => {
    const doc = readDoc();
    for (const code of EXCHANGE_ADMIN_ERROR_CODES) {
      const m = EXCHANGE_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: doc.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
