import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { loadServiceSigningKey } from '@latchkey/access-guards';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import type { PublicJwks, SigningKey } from '@latchkey/tokens';
import { exchangeTokensConfig } from './exchange-tokens.config';

/**
 * The key the exchange signs internal access tokens with, and its public
 * half for `/.well-known/jwks.json`: its own, never the issuer's, so a
 * leaked key of one cannot mint the other's tokens (loadServiceSigningKey:
 * configured, or generated under the data folder when embedded).
 */
@Injectable()
export class ExchangeSigningKey implements OnModuleInit {
  private readonly logger = new Logger('ExchangeSigningKey');
  private key: SigningKey | undefined;
  private jwks: PublicJwks | undefined;

  constructor(@InjectConfig(exchangeTokensConfig) private readonly config: ConfigOf<typeof exchangeTokensConfig>) {}

  async onModuleInit(): Promise<void> {
    const loaded = await loadServiceSigningKey({
      variable: 'LATCHKEY_EXCHANGE_SIGNING_KEY',
      configured: this.config.LATCHKEY_EXCHANGE_SIGNING_KEY,
      fileName: 'exchange-signing-key.json',
      codes: { missing: 'EXCHANGE.SIGNING_KEY_MISSING', invalid: 'EXCHANGE.SIGNING_KEY_INVALID' },
    });
    this.key = loaded.key;
    this.jwks = loaded.jwks;
    this.logger.log({ msg: 'internal access token signing key loaded', kid: this.key.kid, source: loaded.source });
  }

  signingKey(): SigningKey {
    if (!this.key) throw new Error('the exchange signing key is not loaded yet');
    return this.key;
  }

  publicJwks(): PublicJwks {
    if (!this.jwks) throw new Error('the exchange signing key is not loaded yet');
    return this.jwks;
  }
}
