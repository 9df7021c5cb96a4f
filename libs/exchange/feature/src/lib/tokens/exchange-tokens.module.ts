import { Module } from '@nestjs/common';
import { ConfigSliceModule } from '@latchkey/config';
import { ExchangeKeysController } from './exchange-keys.controller';
import { ExchangeSigningKey } from './exchange-signing-key';
import { exchangeTokensConfig } from './exchange-tokens.config';

/** The exchange's own signing key, its JWKS and metadata (the token endpoints build on it). */
@Module({
  imports: [ConfigSliceModule.forSlice(exchangeTokensConfig)],
  controllers: [ExchangeKeysController],
  providers: [ExchangeSigningKey],
  exports: [ExchangeSigningKey, ConfigSliceModule],
})
export class ExchangeTokensModule {}
