import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABUSE_CASE_ERROR_CODES } from '@latchkey/contracts';
import { CASES_WIRE_ERRORS } from './cases-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const DOC = readFileSync(join(__dirname, '../../../../../../docs/ABUSE.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('CASES_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = ABUSE_CASE_ERROR_CODES.map((code) => CASES_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ABUSE_CASE_ERROR_CODES.length);
  });

  it('answers a case of another ISV exactly as a case that does not exist', () => {
    expect(CASES_WIRE_ERRORS['ABUSE.CASE_NOT_FOUND']).toMatchObject({ status: 404, message: 'Resource not found.' });
  });

  it('is documented row for row in docs/ABUSE.md', () => {
    for (const code of ABUSE_CASE_ERROR_CODES) {
      const m = CASES_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
