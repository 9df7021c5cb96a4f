export { RevocationCache, type Watermark } from './lib/revocation/revocation-cache';
export { RevocationModule } from './lib/revocation/revocation.module';

// Admin APIs: operators with internal access tokens and roles (RBAC), or a service's break-glass operator key.
export { AdminApi } from './lib/admin/admin-api.decorator';
export { AdminPermission } from './lib/admin/admin-permission.decorator';
export { AdminGuard } from './lib/admin/admin.guard';
export { ADMIN_ENDPOINT } from './lib/admin/admin-requirements';
export { Operator, operatorOf, recordOperator } from './lib/operator/operator.decorator';
export { OPERATOR_KEY_ACTOR, OperatorKeyGuard } from './lib/operator/operator-key.guard';
export { OperatorCredential } from './lib/operator/operator-credential';
export { OperatorKeyModule, type OperatorKeyModuleOptions } from './lib/operator/operator-key.module';
export { OPERATOR_KEY_OPTIONS, type OperatorKeyCodes, type OperatorKeyOptions } from './lib/operator/operator-key.options';
export {
  envOperatorKey,
  MIN_OPERATOR_KEY_LENGTH,
  resolveOperatorKey,
  type OperatorKeySource,
  type ResolvedOperatorKey,
} from './lib/operator/operator-key';
export { readOrCreateSecretFile, type SecretFile } from './lib/operator/local-secret-file';
export { loadServiceSigningKey, type ServiceSigningKey, type ServiceSigningKeyOptions } from './lib/service-keys/service-signing-key';
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
// ISV tokens (the issuer's assertions "the bearer is ISV sub"): one verifier and one guard base for every service that takes them.
export { authorizationHeaders, rawHeaderValues, singleBearer } from './lib/bearer-header';
export { isvTokenRefusalCode, type IsvTokenCodes, type IsvTokenPolicy } from './lib/isv-token/isv-token-policy';
export { IsvTokenVerifier, type IsvTokenBearer, type IsvTokenVerifierOptions } from './lib/isv-token/isv-token.verifier';
export { IsvTokenGuard, type IsvTokenCheck } from './lib/isv-token/isv-token.guard';
// The RBAC guard (internal access tokens of the exchange): @RequireScope / @RequirePermission on handlers, RbacGuardModule in the service.
export { RequireScope } from './lib/rbac/require-scope.decorator';
export { RequirePermission } from './lib/rbac/require-permission.decorator';
export { REQUIRED_SCOPES, REQUIRED_PERMISSION, PERMISSION_PATTERN } from './lib/rbac/rbac-requirements';
export { RbacGuard } from './lib/rbac/rbac.guard';
export { RbacGuardModule, type RbacGuardModuleOptions } from './lib/rbac/rbac-guard.module';
export { configuredServiceKey, endpointRegistryUrl, rbacGuardConfig } from './lib/rbac/rbac-guard.config';
// Each service's own key towards the rbac service (decision API, its own endpoint list): derived from one secret.
export {
  decodeServiceKeySecret,
  SERVICE_KEY_SECRET_BASE64,
  deriveServiceKey,
  embeddedServiceKeySecret,
  generateServiceKeySecret,
  SERVICE_KEY_PREFIX,
  SERVICE_KEY_SECRET_FILE,
  serviceKeyVariable,
  serviceOfKey,
  verifyServiceKey,
} from './lib/rbac/service-key';
export { declaredEndpoints, type EndpointDeclaration } from './lib/rbac/endpoints/endpoint-declarations';
export { EndpointRegistrar, type EndpointRegistrarOptions, type Registration } from './lib/rbac/endpoints/endpoint-registrar';
export { RbacGuardError } from './lib/rbac/rbac-error';
export { RBAC_WIRE_ERRORS } from './lib/rbac/rbac-wire-errors';
export { rbacCallerOf, type RbacCaller } from './lib/rbac/rbac-caller';
export { subjectOf, type RbacSubject } from './lib/rbac/rbac-subject';
export { DecisionCache, type DecisionCacheOptions } from './lib/rbac/decision-cache';
export {
  DECISION_SOURCE,
  HttpDecisionClient,
  DecisionUnavailableError,
  type Decision,
  type DecisionQuery,
  type DecisionSource,
} from './lib/rbac/decision-client';
export { RbacChangeFeed } from './lib/rbac/rbac-change-feed';
export { RBAC_DENIAL_RECORDER, type RbacDenialRecorder } from './lib/rbac/rbac-denial-recorder';
