import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAT_ERROR_CODES } from '@latchkey/contracts';
import { LAT_RETRYABLE, LAT_WIRE_ERRORS } from './lat-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../docs/FACE-API.md'), 'utf8');

describe('LAT_WIRE_ERRORS', () => {
  it('gives every refusal its own innererror code', () => {
    const inner = LAT_ERROR_CODES.map((code) => LAT_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(LAT_ERROR_CODES.length);
  });

  it('answers 503 exactly for the verifier’s own failures, which carry Retry-After', () => {
    const unavailable = LAT_ERROR_CODES.filter((code) => LAT_WIRE_ERRORS[code].status === 503);
    expect(new Set(unavailable)).toEqual(LAT_RETRYABLE);
  });

  it('never answers a token problem with a 5xx or a 2xx', () => {
    for (const code of LAT_ERROR_CODES.filter((c) => !LAT_RETRYABLE.has(c))) expect([401, 403]).toContain(LAT_WIRE_ERRORS[code].status);
  });

  it('is documented row for row in docs/FACE-API.md', () => {
    for (const code of LAT_ERROR_CODES) {
      const m = LAT_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
