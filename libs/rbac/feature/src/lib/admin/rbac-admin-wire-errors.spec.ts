import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RBAC_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { RBAC_ADMIN_WIRE_ERRORS } from './rbac-admin-wire-errors';

// Cells compared with their padding collapsed, so a formatter aligning the table's columns changes nothing.
const DOC = readFileSync(join(__dirname, '../../../../../../docs/RBAC.md'), 'utf8').replace(/ *\| */g, ' | ');

describe('RBAC_ADMIN_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = RBAC_ADMIN_ERROR_CODES.map((code) => RBAC_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(RBAC_ADMIN_ERROR_CODES.length);
  });

  it('answers every credential problem 401 with one message that says nothing more', () => {
    const credential = RBAC_ADMIN_ERROR_CODES.filter((code) => RBAC_ADMIN_WIRE_ERRORS[code].status === 401);
    expect(credential).toEqual(['RBAC.ADMIN_UNAUTHENTICATED', 'RBAC.ADMIN_CREDENTIAL_INVALID', 'RBAC.ADMIN_API_DISABLED']);
    expect(new Set(credential.map((code) => RBAC_ADMIN_WIRE_ERRORS[code].message)).size).toBe(1);
  });

  it('is documented row for row in docs/RBAC.md', () => {
    for (const code of RBAC_ADMIN_ERROR_CODES) {
      const m = RBAC_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
