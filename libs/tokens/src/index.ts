export { generateApiKey, hashApiKey, apiKeyMatches, type ApiKeyKind } from './lib/api-key';
