import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABUSE_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { ABUSE_ADMIN_WIRE_ERRORS } from './abuse-admin-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const DOC = readFileSync(join(__dirname, '../../../../../../docs/ABUSE.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('ABUSE_ADMIN_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = ABUSE_ADMIN_ERROR_CODES.map((code) => ABUSE_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ABUSE_ADMIN_ERROR_CODES.length);
  });

  it('answers every credential problem 401 with one message that says nothing more', () => {
    const credential = ABUSE_ADMIN_ERROR_CODES.filter((code) => ABUSE_ADMIN_WIRE_ERRORS[code].status === 401);
    expect(credential).toEqual(['ABUSE.ADMIN_UNAUTHENTICATED', 'ABUSE.ADMIN_CREDENTIAL_INVALID', 'ABUSE.ADMIN_API_DISABLED']);
    expect(new Set(credential.map((code) => ABUSE_ADMIN_WIRE_ERRORS[code].message)).size).toBe(1);
  });

  it('is documented row for row in docs/ABUSE.md', () => {
    for (const code of ABUSE_ADMIN_ERROR_CODES) {
      const m = ABUSE_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
