import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACE_ERROR_CODES } from '@latchkey/contracts';
import { FACE_WIRE_ERRORS } from './face-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/FACE-API.md'), 'utf8');

describe('FACE_WIRE_ERRORS', () => {
  it('gives every rule its own innererror code', () => {
    const inner = FACE_ERROR_CODES.map((code) => FACE_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(FACE_ERROR_CODES.length);
  });

  it("answers every refusal with a fixed vendor message, so the inner message alone says what exactly", () => {
    for (const code of FACE_ERROR_CODES) expect({ code, message: FACE_WIRE_ERRORS[code].message }).toEqual({ code, message: expect.stringMatching(/\.$/) });
  });

  it("answers the vendor's 401 for the key: code '401' as a string and its exact message", () => {
    for (const code of ['FACE.KEY_MISSING', 'FACE.KEY_INVALID'] as const) {
      expect(FACE_WIRE_ERRORS[code]).toMatchObject({ status: 401, azureCode: '401', message: expect.stringMatching(/^Access denied due to invalid subscription key/) });
    }
  });

  it('is documented row for row in docs/FACE-API.md', () => {
    for (const code of FACE_ERROR_CODES) {
      const m = FACE_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
