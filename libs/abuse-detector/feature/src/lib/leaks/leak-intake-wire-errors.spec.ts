import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ABUSE_LEAK_ERROR_CODES } from '@latchkey/contracts';
import { LEAK_INTAKE_WIRE_ERRORS } from './leak-intake-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const DOC = readFileSync(join(__dirname, '../../../../../../docs/ABUSE.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('LEAK_INTAKE_WIRE_ERRORS', () => {
  it('gives every reason its own innererror code', () => {
    const inner = ABUSE_LEAK_ERROR_CODES.map((code) => LEAK_INTAKE_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ABUSE_LEAK_ERROR_CODES.length);
  });

  it('answers every signature problem 401', () => {
    const unauthenticated = ABUSE_LEAK_ERROR_CODES.filter((code) => LEAK_INTAKE_WIRE_ERRORS[code].status === 401);
    expect(unauthenticated).toEqual([
      'ABUSE.LEAK_SIGNATURE_MISSING',
      'ABUSE.LEAK_SIGNATURE_INVALID',
      'ABUSE.LEAK_KEY_UNKNOWN',
      'ABUSE.LEAK_INTAKE_DISABLED',
    ]);
  });

  it('is documented row for row in docs/ABUSE.md', () => {
    for (const code of ABUSE_LEAK_ERROR_CODES) {
      const m = LEAK_INTAKE_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
