export { RevocationCache, type Watermark } from './lib/revocation/revocation-cache';
export { RevocationModule } from './lib/revocation/revocation.module';

// The interim operator key of a service's admin API (until platform tokens with RBAC replace it).
export { AdminApi } from './lib/operator/admin-api.decorator';
export { Operator, operatorOf, recordOperator } from './lib/operator/operator.decorator';
export { OPERATOR_KEY_ACTOR, OperatorKeyGuard } from './lib/operator/operator-key.guard';
export { OperatorCredential } from './lib/operator/operator-credential';
export { OperatorKeyModule, type OperatorKeyModuleOptions } from './lib/operator/operator-key.module';
export { OPERATOR_KEY_OPTIONS, type OperatorKeyCodes, type OperatorKeyOptions } from './lib/operator/operator-key.options';
export { envOperatorKey, MIN_OPERATOR_KEY_LENGTH, resolveOperatorKey, type OperatorKeySource, type ResolvedOperatorKey } from './lib/operator/operator-key';
export { readOrCreateSecretFile, type SecretFile } from './lib/operator/local-secret-file';
export { RevocationFeedStatus } from './lib/revocation/revocation.module';
// The LimitedAccessToken guard (token use): @RequiresFeature on a handler, LimitedAccessModule in its module.
export { LimitedAccessModule, LAT_KEYS } from './lib/limited-access/limited-access.module';
export { RequiresFeature } from './lib/limited-access/requires-feature.decorator';
export { REQUIRES_FEATURE, type FeatureGate } from './lib/limited-access/feature-gate';
export { LimitedAccessTokenGuard } from './lib/limited-access/limited-access-token.guard';
export { LimitedAccessTokenVerifier, type AcceptedToken, type GatedRequest } from './lib/limited-access/limited-access-token.verifier';
export { GATED_RESOURCE_RESOLVER, type GatedResourceResolver } from './lib/limited-access/gated-resource-resolver';
export { GATED_USE_RECORDER, type GatedUseRecorder } from './lib/limited-access/gated-use-recorder';
export { LatError } from './lib/limited-access/lat-error';
export { LAT_WIRE_ERRORS } from './lib/limited-access/lat-wire-errors';
export { limitedAccessConfig } from './lib/limited-access/limited-access.config';
export { LIMITED_ACCESS_TOKEN_HEADER } from './lib/limited-access/limited-access-token-header';
