import type { AuditFeedErrorCode } from '@latchkey/contracts';
import type { ErrorMappingTable } from '@latchkey/http';

/**
 * How a refused ISV feed request looks on the wire (Azure-style, like the
 * issuer the ISV already talks to): 401 for a token that does not open any
 * feed (get a new one from the issuer), 403 for a good token aimed at
 * another ISV's feed, 503 when this service cannot check tokens at all
 * (never a pass). Typed over the whole code union: a new code without a row
 * does not compile. docs/AUDIT.md lists the same table, checked by its spec.
 */
export const AUDIT_FEED_WIRE_ERRORS: ErrorMappingTable<AuditFeedErrorCode> = {
  'AUDIT.FEED_TOKEN_MISSING': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'FeedTokenMissing' },
  'AUDIT.FEED_TOKEN_INVALID': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'FeedTokenInvalid' },
  'AUDIT.FEED_TOKEN_EXPIRED': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'FeedTokenExpired' },
  'AUDIT.FEED_TOKEN_WRONG_TYPE': { status: 401, azureCode: 'Unauthorized', azureInnerCode: 'FeedTokenTypeInvalid' },
  'AUDIT.FEED_FOREIGN_ISV': { status: 403, azureCode: 'Forbidden', azureInnerCode: 'FeedOfAnotherIsv' },
  'AUDIT.FEED_QUERY_INVALID': { status: 400, azureCode: 'BadArgument', azureInnerCode: 'InvalidFeedQuery' },
  'AUDIT.FEED_KEYS_UNAVAILABLE': { status: 503, azureCode: 'ServiceUnavailable', azureInnerCode: 'IssuerKeysUnavailable' },
};
