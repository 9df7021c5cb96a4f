import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { readOrCreateSecretFile } from '@latchkey/access-guards';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { LatchkeyError } from '@latchkey/contracts';
import { DEFAULT_SIGNING_ALGORITHM, generateSigningKey, KeyRing, restoreSigningKey, type PublicJwks, type SigningKey } from '@latchkey/tokens';
import { auditConfig } from '../audit.config';

/**
 * The key the audit service signs its checkpoints with, and its public half
 * for `/.well-known/jwks.json`. Configured in a deployment (every replica
 * signs with the same key); generated once under the data folder for the
 * embedded runtime, whose audit store lives in that folder too. On
 * PostgreSQL without one the service refuses to boot: checkpoints signed by
 * a key nobody kept could never be verified.
 */
@Injectable()
export class AuditSigningKey implements OnModuleInit {
  private readonly logger = new Logger('AuditSigningKey');
  private key: SigningKey | undefined;
  private jwks: PublicJwks | undefined;

  constructor(@InjectConfig(auditConfig) private readonly config: ConfigOf<typeof auditConfig>) {}

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    let privateJwk: string | undefined = this.config.LATCHKEY_AUDIT_SIGNING_KEY;
    if (privateJwk === undefined) {
      if (platform.DATABASE_URL) {
        throw new LatchkeyError('AUDIT.SIGNING_KEY_MISSING', 'LATCHKEY_AUDIT_SIGNING_KEY is required with DATABASE_URL', {
          variable: 'LATCHKEY_AUDIT_SIGNING_KEY',
        });
      }
      const generated = await generateSigningKey(DEFAULT_SIGNING_ALGORITHM);
      const file = await readOrCreateSecretFile(platform.LATCHKEY_DATA_DIR, 'audit-signing-key.json', () => JSON.stringify(generated.privateJwk));
      privateJwk = file.value;
      this.logger.log({ msg: 'audit checkpoints are signed with the key in the data folder', path: file.path });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(privateJwk);
    } catch {
      throw new LatchkeyError('AUDIT.SIGNING_KEY_INVALID', 'LATCHKEY_AUDIT_SIGNING_KEY is not a JSON private JWK', { variable: 'LATCHKEY_AUDIT_SIGNING_KEY' });
    }
    this.key = await restoreSigningKey(parsed, new Date());
    this.jwks = new KeyRing([{ key: this.key, status: 'active' }]).publicJwks();
    this.logger.log({ msg: 'audit checkpoint signing key loaded', kid: this.key.kid });
  }

  signingKey(): SigningKey {
    if (!this.key) throw new Error('the audit signing key is not loaded yet');
    return this.key;
  }

  publicJwks(): PublicJwks {
    if (!this.jwks) throw new Error('the audit signing key is not loaded yet');
    return this.jwks;
  }
}
