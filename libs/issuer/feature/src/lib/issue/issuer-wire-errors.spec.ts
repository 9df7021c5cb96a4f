import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISSUER_ERROR_CODES } from '@latchkey/contracts';
import { ISSUER_WIRE_ERRORS } from './issuer-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/ISSUER.md'), 'utf8');

describe('ISSUER_WIRE_ERRORS', () => {
  it('gives every issuer rule its own innererror code', () => {
    const inner = ISSUER_ERROR_CODES.map((code) => ISSUER_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ISSUER_ERROR_CODES.length);
  });

  it('is documented row for row in docs/ISSUER.md', () => {
    for (const code of ISSUER_ERROR_CODES) {
      const m = ISSUER_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
