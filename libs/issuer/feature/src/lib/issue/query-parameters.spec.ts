import { ISSUE_QUERY_PARAMETERS } from './issue-limited-access-token.use-case';
import { assertOnlyQueryParameters, queryParameterNames } from './query-parameters';
import { IssuerError } from './issuer.errors';

/** The refusal's code and message, or 'accepted'. */
function attempt(given: readonly string[], known: readonly string[]): unknown {
  try {
    assertOnlyQueryParameters(given, known);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof IssuerError)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe(assertOnlyQueryParameters.name, () => {
  it.each([[[]], [['expiredTime']], [['dryRun']], [['expiredTime', 'dryRun']]])('accepts issuance parameters %j', (given) => {
    expect(attempt(given, ISSUE_QUERY_PARAMETERS)).toBe('accepted');
  });

  it.each([
    ['a bracketed array name', 'expiredTime[]'],
    ['a bracketed key name', 'expiredTime[a]'],
    ['a misspelling', 'expiredtime'],
    ['an unknown parameter', 'lifetime'],
    ['a NUL', '\u0000'],
  ])('refuses %s as InvalidQueryParameter without echoing it', (_what, name) => {
    const refused = attempt(['expiredTime', name], ISSUE_QUERY_PARAMETERS);
    expect(refused).toEqual({ code: 'ISSUER.QUERY_INVALID', message: 'Unknown query parameter; this operation takes only expiredTime and dryRun.' });
  });

  it('refuses every parameter of an operation that takes none', () => {
    expect(attempt(['x'], [])).toEqual({ code: 'ISSUER.QUERY_INVALID', message: 'This operation takes no query parameters.' });
    expect(attempt([], [])).toBe('accepted');
  });
});

describe(queryParameterNames.name, () => {
  it('reads the names of a parsed query string, and none from anything else', () => {
    expect(queryParameterNames({ expiredTime: '60', 'expiredTime[]': '60' })).toEqual(['expiredTime', 'expiredTime[]']);
    expect(queryParameterNames(undefined)).toEqual([]);
    expect(queryParameterNames(null)).toEqual([]);
  });
});
