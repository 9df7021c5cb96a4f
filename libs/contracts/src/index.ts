// Envelope, topics and the machinery of contracts.
export * from './lib/topics';
export * from './lib/define-event';
export * from './lib/envelope';
export * from './lib/create-envelope';
export * from './lib/decode-envelope';
export * from './lib/registry';

// Errors.
export * from './lib/latchkey-error';
export { describeInputIssue } from './lib/describe-input-issue';
export * from './lib/error-codes';

// Shared schemas.
export * from './lib/shared/azure-resource-id';
export * from './lib/shared/face-resource-id';
export * from './lib/shared/feature-flag';
export * from './lib/shared/free-text';
export * from './lib/shared/ids';
export * from './lib/shared/iso-datetime';
export * from './lib/shared/reason-code';
export * from './lib/shared/request-context';

// Token claim profiles.
export * from './lib/claims/numeric-date';
export * from './lib/claims/limited-access-token.claims';
export * from './lib/claims/internal-access-token.claims';
export * from './lib/claims/audit-checkpoint.claims';
export * from './lib/claims/isv-assertion.claims';
export * from './lib/claims/audit-feed-token.claims';
export * from './lib/claims/isv-cases-token.claims';

// Event contracts, ALL_EVENTS and the registry.
export * from './lib/events';
export * from './lib/rbac/admin-permissions';
export * from './lib/rbac/permission-id';
