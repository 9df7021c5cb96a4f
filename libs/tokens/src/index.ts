// API keys (subscription, client, operator and application keys).
export { generateApiKey, hashApiKey, digestApiKey, apiKeyMatches, type ApiKeyKind } from './lib/api-key';

// Errors.
export { TokenError, TOKEN_ERROR_CODES, type TokenErrorCode } from './lib/token-error';

// Signing keys, sealed at rest, in a ring, rotated.
export { SIGNING_ALGORITHMS, DEFAULT_SIGNING_ALGORITHM, isSigningAlgorithm, type SigningAlgorithm } from './lib/signing-algorithm';
export { generateSigningKey, restoreSigningKey, type SigningKey, type PublicSigningJwk, type PrivateSigningJwk } from './lib/signing-key';
export { sealPrivateKey, openPrivateKey } from './lib/private-key-seal';
export type { KeyRingEntry, KeyStatus } from './lib/key-ring-entry';
export { KeyRing, type PublicJwks } from './lib/key-ring';
export { planRotation, type RotationPlan, type RotationPolicy } from './lib/rotation-plan';

// Token profiles: issue and verify.
export type { SignedToken } from './lib/sign-jwt';
export {
  MAX_TOKEN_BYTES,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  type JsonWebKeySet,
  type VerificationKeys,
  type VerifyTokenOptions,
  type VerifiedToken,
  inspectPlatformJwt,
  type InspectedToken,
} from './lib/verify-jwt';
// The issuer's JWKS over HTTP, for resource servers. The class is exported as a type: create it with the function.
export { createRemoteJwks, DEFAULT_REMOTE_JWKS_OPTIONS, type RemoteJwks, type RemoteJwksOptions, type RemoteJwksStatus } from './lib/remote-jwks';
export { signLimitedAccessToken, verifyLimitedAccessToken, type LimitedAccessTokenInput } from './lib/limited-access-token';
export {
  signResourceToken,
  verifyResourceToken,
  ResourceTokenClaimsSchema,
  RESOURCE_TOKEN_LIFETIME_SECONDS,
  type ResourceTokenClaims,
  type ResourceTokenInput,
} from './lib/resource-token';
export {
  signInternalAccessToken,
  verifyInternalAccessToken,
  INTERNAL_ACCESS_TOKEN_MAX_LIFETIME_SECONDS,
  type InternalAccessTokenInput,
} from './lib/internal-access-token';

// ISV assertions: the issuer vouches for an ISV to another service, one kind (typ + audience) per service.
export {
  signIsvAssertion,
  verifyIsvAssertion,
  AUDIT_FEED_TOKEN_KIND,
  ISV_CASES_TOKEN_KIND,
  type IsvAssertionKind,
  type IsvAssertionInput,
  type IsvAssertionVerifyOptions,
} from './lib/isv-assertion';
// The audit service's transparency feed, and the abuse detector's ISV cases API.
export { signAuditFeedToken, verifyAuditFeedToken, type AuditFeedTokenInput } from './lib/audit-feed-token';
export { signIsvCasesToken, verifyIsvCasesToken } from './lib/isv-cases-token';

// Signed audit checkpoints (the audit service's statements about its hash chain).
export {
  signAuditCheckpoint,
  verifyCheckpointSequence,
  checkpointDigest,
  CheckpointSequenceError,
  FIRST_CHECKPOINT_PREV,
  type AuditCheckpointInput,
} from './lib/audit-checkpoint';

// DPoP (RFC 9449): proof verification and replay detection for sender-constrained tokens.
export {
  verifyDpopProof,
  DpopProofError,
  DPOP_PROOF_ERROR_CODES,
  DEFAULT_DPOP_ALGORITHMS,
  DEFAULT_DPOP_MAX_AGE_SECONDS,
  MAX_DPOP_PROOF_BYTES,
  type DpopProofErrorCode,
  type DpopProofExpectations,
  type VerifiedDpopProof,
} from './lib/dpop/dpop-proof';
export { DpopReplayCache, type DpopReplayCacheOptions } from './lib/dpop/dpop-replay-cache';
// For tests and clients only (no `testing` entry point here): creates proofs as a client would; never on a server path.
export { createDpopProof, type DpopProofInput } from './lib/dpop/dpop-proof.testing';

// Discovery.
export { issuerMetadata, type IssuerMetadata } from './lib/issuer-metadata';

// Measurement (tools/bench).
export { measureSignatureRate, type SignatureRate } from './lib/signature-rate';
export { measureOperationRate, sumOperationRates, type OperationRate } from './lib/operation-rate';
export { findSecretShapes, redactSecretShapes, type SecretFinding, type SecretShape } from './lib/secret-shapes';
