import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_FEED_ERROR_CODES } from '@latchkey/contracts';
import { AUDIT_FEED_WIRE_ERRORS } from './audit-feed-wire-errors';

const DOC = readFileSync(join(__dirname, '../../../../../../docs/AUDIT.md'), 'utf8');

describe('AUDIT_FEED_WIRE_ERRORS', () => {
  it('gives every feed refusal its own innererror code', () => {
    const inner = AUDIT_FEED_ERROR_CODES.map((code) => AUDIT_FEED_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(AUDIT_FEED_ERROR_CODES.length);
  });

  it('is documented row for row in docs/AUDIT.md', () => {
    for (const code of AUDIT_FEED_ERROR_CODES) {
      const m = AUDIT_FEED_WIRE_ERRORS[code];
      const row = `| ${m.status} | \`${m.azureCode}\` | \`${m.azureInnerCode}\` | \`${code}\` |`;
      expect({ code, documented: DOC.includes(row) }).toEqual({ code, documented: true });
    }
  });
});
