import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_ADMIN_ERROR_CODES } from '@latchkey/contracts';
import { FACE_WIRE_ERRORS } from '../face/face-wire-errors';
import { FACE_ADMIN_WIRE_ERRORS } from './face-admin-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/FACE-API.md'), 'utf8');

describe('FACE_ADMIN_WIRE_ERRORS', () => {
  it('gives every admin rule its own innererror code, distinct from the Face operations ones', () => {
    const face = new Set(Object.values(FACE_WIRE_ERRORS).map((m) => m.azureInnerCode));
    const inner = FACE_ADMIN_ERROR_CODES.map((code) => FACE_ADMIN_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(FACE_ADMIN_ERROR_CODES.length);
    expect(inner.filter((code) => face.has(code))).toEqual([]);
  });

  it('is documented row for row in docs/FACE-API.md', () => {
    for (const code of FACE_ADMIN_ERROR_CODES) {
      const m = FACE_ADMIN_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
