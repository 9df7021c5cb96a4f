import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { digestApiKey } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { resolveLocalSecret } from '../keys/local-secret';

/**
 * Turns a presented or newly generated subscription key into its stored
 * form: HMAC-SHA256 under LATCHKEY_ISSUER_KEY_DIGEST_SECRET, a secret kept
 * outside the database (issuer issue: "stored only as a slow-to-brute-force
 * hash or HMAC with a server secret"). HMAC rather than a slow hash: the
 * keys carry 256 random bits, and the digest is computed on every issuance.
 */
@Injectable()
export class SubscriptionKeyDigester implements OnModuleInit {
  private secret: Buffer | undefined;

  constructor(@InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>) {}

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    this.secret = await resolveLocalSecret({
      variable: 'LATCHKEY_ISSUER_KEY_DIGEST_SECRET',
      configured: this.config.LATCHKEY_ISSUER_KEY_DIGEST_SECRET,
      embedded: !platform.DATABASE_URL,
      dataDir: platform.LATCHKEY_DATA_DIR,
      fileName: 'issuer-key-digest-secret',
    });
  }

  digest(key: string): string {
    if (!this.secret) throw new Error('the subscription key digest secret is not loaded yet');
    return digestApiKey(key, this.secret);
  }
}
