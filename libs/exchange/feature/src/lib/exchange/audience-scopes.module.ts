import { Module } from '@nestjs/common';
import { ConfigSliceModule } from '@latchkey/config';
import { gatewayConfig } from '../gateway/gateway.config';
import { ExchangeTokensModule } from '../tokens/exchange-tokens.module';
import { AudienceScopes } from './audience-scopes';

/**
 * The audiences the exchange mints for and their scopes (AudienceScopes), built once from the gateway's upstreams
 * and the admin audience, for the exchange and for its admin API (which refuses an application's scope that no
 * audience declares). It owns the gateway's config slice and exports it with them, so that the upstreams are parsed
 * once for the gateway and the catalogue alike.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(gatewayConfig), ExchangeTokensModule],
  providers: [AudienceScopes],
  exports: [AudienceScopes, ConfigSliceModule],
})
export class AudienceScopesModule {}
