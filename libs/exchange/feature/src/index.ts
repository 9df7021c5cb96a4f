export { ExchangeModule } from './lib/exchange.module';
export { SeedDemoApplicationUseCase, DEMO_CLIENT_ID, OPERATOR_CONSOLE_CLIENT_ID, type SeededApplication } from './lib/seed-demo-application.use-case';
export { exchangeAdminConfig } from './lib/applications/exchange-admin.config';
export { MapIdentityUseCase, type MappedIdentity } from './lib/identities/map-identity.use-case';
export { exchangeTokensConfig } from './lib/tokens/exchange-tokens.config';
export {
  entraConfig,
  entraTokenValidatorProvider,
  EntraTokenError,
  EntraTokenValidator,
  type EntraPrincipal,
  type EntraTokenErrorCode,
  type EntraTokenValidatorOptions,
} from './lib/entra';
export { gatewayConfig } from './lib/gateway/gateway.config';
