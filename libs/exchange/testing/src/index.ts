export { EntraTestProvider, type EntraTestProviderOptions, type EntraTestRequestCounts } from './lib/entra-test-provider';
export { entraIssuer, GRAPH_APP_ID, type EntraAccessTokenRequest, type EntraTokenVersion } from './lib/entra-token-claims';
export { handSignedToken, type HandSignature } from './lib/hand-signed-token';
export { generateRsaSigningKey, type RsaSigningKey } from './lib/rsa-signing-key';
