import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { AUDIT_ADMIN_WIRE_ERRORS } from './audit-admin-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/AUDIT.md'), 'utf8');

describe('AUDIT_ADMIN_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = AUDIT_ADMIN_ERROR_CODES.map((code) => AUDIT_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(AUDIT_ADMIN_ERROR_CODES.length);
  });

  it('answers a bad query 400 and a bad credential 401, nothing else', () => {
    for (const code of AUDIT_ADMIN_ERROR_CODES) {
      expect({ code, status: AUDIT_ADMIN_WIRE_ERRORS[code].status }).toEqual({ code, status: code.startsWith('AUDIT.QUERY_') ? 400 : 401 });
    }
  });

  it('is documented row for row in docs/AUDIT.md', () => {
    for (const code of AUDIT_ADMIN_ERROR_CODES) {
      const m = AUDIT_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
