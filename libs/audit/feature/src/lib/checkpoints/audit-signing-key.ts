import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { loadServiceSigningKey } from '@latchkey/access-guards';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import type { PublicJwks, SigningKey } from '@latchkey/tokens';
import { auditConfig } from '../audit.config';

/**
 * The key the audit service signs its checkpoints with, and its public half
 * for `/.well-known/jwks.json` (loadServiceSigningKey: configured, or
 * generated under the data folder when embedded; required on PostgreSQL,
 * since checkpoints signed by a key nobody kept could never be verified).
 */
@Injectable()
export class AuditSigningKey implements OnModuleInit {
  private readonly logger = new Logger('AuditSigningKey');
  private key: SigningKey | undefined;
  private jwks: PublicJwks | undefined;

  constructor(@InjectConfig(auditConfig) private readonly config: ConfigOf<typeof auditConfig>) {}

  async onModuleInit(): Promise<void> {
    const loaded = await loadServiceSigningKey({
      variable: 'LATCHKEY_AUDIT_SIGNING_KEY',
      configured: this.config.LATCHKEY_AUDIT_SIGNING_KEY,
      fileName: 'audit-signing-key.json',
      codes: { missing: 'AUDIT.SIGNING_KEY_MISSING', invalid: 'AUDIT.SIGNING_KEY_INVALID' },
    });
    this.key = loaded.key;
    this.jwks = loaded.jwks;
    this.logger.log({ msg: 'audit checkpoint signing key loaded', kid: this.key.kid, source: loaded.source });
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
