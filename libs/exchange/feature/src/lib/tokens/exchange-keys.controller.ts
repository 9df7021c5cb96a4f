import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { Public } from '@latchkey/http';
import type { PublicJwks } from '@latchkey/tokens';
import { exchangeMetadata, type ExchangeMetadata } from './exchange-metadata';
import { ExchangeSigningKey } from './exchange-signing-key';
import { exchangeTokensConfig } from './exchange-tokens.config';

/** The exchange's public keys and metadata, so APIs verify its internal access tokens offline. */
@Controller('.well-known')
export class ExchangeKeysController {
  constructor(
    private readonly key: ExchangeSigningKey,
    @InjectConfig(exchangeTokensConfig) private readonly config: ConfigOf<typeof exchangeTokensConfig>,
  ) {}

  @Get('jwks.json')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public keys that verify the exchange’s internal access tokens (at+jwt)' })
  @ApiResponse({ status: 200, description: '{ keys: [ { kty, crv, x, y, kid, alg, use } ] }' })
  jwks(): PublicJwks {
    return this.key.publicJwks();
  }

  @Get('oauth-authorization-server')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'RFC 8414 metadata: issuer, jwks_uri, token_endpoint, the token exchange grant and client authentication methods' })
  @ApiResponse({ status: 200, description: '{ issuer, jwks_uri, token_endpoint, grant_types_supported, token_endpoint_auth_methods_supported, … }' })
  metadata(): ExchangeMetadata {
    return exchangeMetadata(this.config.LATCHKEY_EXCHANGE_URL);
  }
}
