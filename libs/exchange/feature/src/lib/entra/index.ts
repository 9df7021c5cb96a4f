export { entraConfig, ENTRA_TOKEN_VERSIONS, type EntraConfig, type EntraTokenVersion, type TrustedTenant } from './entra.config';
export type { EntraPrincipal } from './entra-principal';
export { EntraTokenError, type EntraTokenErrorCode } from './entra-token.errors';
export { EntraTokenValidator, MAX_ENTRA_TOKEN_LENGTH, type EntraTokenValidatorOptions } from './entra-token.validator';
export { entraTokenValidatorProvider } from './entra-token-validator.provider';
export { entraIssuer, entraMetadataUrl } from './entra-issuer-trust';
