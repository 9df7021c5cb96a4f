import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { decodeServiceKeySecret, embeddedServiceKeySecret, verifyServiceKey } from '@latchkey/access-guards';
import { configToken, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { rbacConfig } from '../rbac.config';

/**
 * The secret(s) the services' own keys are derived from (docs/RBAC.md
 * "Service keys"): LATCHKEY_RBAC_SERVICE_KEY_SECRET and, while rotating, the
 * previous one; embedded, the file generated under the data folder; on
 * PostgreSQL without it, none (only the operator key opens the service
 * routes). Neither the secret nor a key is ever logged.
 */
@Injectable()
export class ServiceKeySecrets implements OnModuleInit {
  private readonly logger = new Logger('RbacServiceKeys');
  private secrets: readonly Buffer[] = [];

  constructor(@Inject(configToken(rbacConfig)) private readonly config: ConfigOf<typeof rbacConfig>) {}

  async onModuleInit(): Promise<void> {
    const current = this.config.LATCHKEY_RBAC_SERVICE_KEY_SECRET;
    if (current !== undefined) {
      const previous = this.config.LATCHKEY_RBAC_SERVICE_KEY_PREVIOUS_SECRET;
      this.secrets = [current, ...(previous === undefined ? [] : [previous])].map(decodeServiceKeySecret);
      if (previous !== undefined)
        this.logger.warn('service keys: the previous secret is still accepted (rotation); unset it once every service has its new key');
      return;
    }
    const platform = loadConfig(platformConfig);
    if (platform.DATABASE_URL) {
      this.logger.warn(
        'service keys off: LATCHKEY_RBAC_SERVICE_KEY_SECRET is not set, so no service can ask for decisions or register its endpoints',
      );
      return;
    }
    const embedded = await embeddedServiceKeySecret(platform.LATCHKEY_DATA_DIR);
    this.secrets = [embedded.secret];
    // The path, never the secret.
    this.logger.log(`service keys derived from the secret in ${embedded.path}`);
  }

  /** False when no secret exists: no service key is valid. */
  get enabled(): boolean {
    return this.secrets.length > 0;
  }

  /** The service whose genuine key `presented` is, else undefined (constant time per secret). */
  serviceOf(presented: string): string | undefined {
    return this.secrets.length === 0 ? undefined : verifyServiceKey(presented, this.secrets);
  }
}
