import { ABUSE_ISV_ERROR_CODES } from '@latchkey/contracts';
import { ErrorMappingRegistry } from '@latchkey/http';
import { ISV_CASES_AUTH_WIRE_ERRORS } from './isv-cases-auth-wire-errors';

describe('ISV_CASES_AUTH_WIRE_ERRORS', () => {
  it('gives every refusal its own innererror code', () => {
    const inner = ABUSE_ISV_ERROR_CODES.map((code) => ISV_CASES_AUTH_WIRE_ERRORS[code].azureInnerCode);
    expect(new Set(inner).size).toBe(ABUSE_ISV_ERROR_CODES.length);
  });

  it('answers 401 for every token problem, 403 for another ISV’s cases and 503 for unreachable keys', () => {
    expect(Object.fromEntries(ABUSE_ISV_ERROR_CODES.map((code) => [code, ISV_CASES_AUTH_WIRE_ERRORS[code].status]))).toEqual({
      'ABUSE.ISV_TOKEN_MISSING': 401,
      'ABUSE.ISV_TOKEN_INVALID': 401,
      'ABUSE.ISV_TOKEN_EXPIRED': 401,
      'ABUSE.ISV_TOKEN_WRONG_TYPE': 401,
      'ABUSE.ISV_FOREIGN_ISV': 403,
      'ABUSE.ISV_KEYS_UNAVAILABLE': 503,
    });
  });

  it('registers beside the other tables', () => {
    expect(() => new ErrorMappingRegistry().register(ISV_CASES_AUTH_WIRE_ERRORS)).not.toThrow();
  });
});
