import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISSUER_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { ISSUER_WIRE_ERRORS } from '../issue/issuer-wire-errors';
import { ISSUER_ADMIN_WIRE_ERRORS } from './issuer-admin-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/ISSUER.md'), 'utf8');

describe('ISSUER_ADMIN_WIRE_ERRORS', () => {
  it('gives every admin rule its own innererror code, distinct from the issuance ones', () => {
    const issuance = new Set(Object.values(ISSUER_WIRE_ERRORS).map((m) => m.azureInnerCode));
    const inner = ISSUER_ADMIN_ERROR_CODES.map((code) => ISSUER_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ISSUER_ADMIN_ERROR_CODES.length);
    expect(inner.filter((code) => issuance.has(code))).toEqual([]);
  });

  it('is documented row for row in docs/ISSUER.md', () => {
    for (const code of ISSUER_ADMIN_ERROR_CODES) {
      const m = ISSUER_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
