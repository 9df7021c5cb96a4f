import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { SigningKeyRepository, type StoredSigningKey } from '@latchkey/issuer/data-access';
import {
  DEFAULT_SIGNING_ALGORITHM,
  generateSigningKey,
  KeyRing,
  openPrivateKey,
  restoreSigningKey,
  sealPrivateKey,
  type KeyRingEntry,
} from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { resolveKeyEncryptionKey } from './key-encryption-key';

/** Injection token of the clock (tests pass a fixed one). */
export const CLOCK = Symbol('latchkey:clock');
export type Clock = () => Date;

/**
 * The issuer's key ring, loaded before the app serves: the published keys
 * from the database, their private halves unsealed in memory only. On a
 * first start it creates the first key. Scheduled rotation and emergency
 * retirement (not built yet) build on `KeyRing.rotated` and the stored statuses.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private readonly logger = new Logger('SigningKeys:issuer');
  private ring: KeyRing | undefined;

  constructor(
    private readonly keys: SigningKeyRepository,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    const kek = await resolveKeyEncryptionKey({
      configured: this.config.LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY,
      embedded: !platform.DATABASE_URL,
      dataDir: platform.LATCHKEY_DATA_DIR,
    });
    let stored = await this.keys.listPublished();
    if (!stored.some((k) => k.status === 'active')) {
      const key = await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now());
      await this.keys.insert({
        kid: key.kid,
        alg: key.alg,
        publicJwk: key.publicJwk,
        sealedPrivateKey: sealPrivateKey(key.privateJwk, kek),
        status: 'active',
        createdAt: key.createdAt,
      });
      this.logger.log({ msg: 'created the first signing key', kid: key.kid, alg: key.alg });
      stored = await this.keys.listPublished();
    }
    this.ring = new KeyRing(await Promise.all(stored.map((row) => this.entryOf(row, kek))));
  }

  /** The current ring; throws before the module initialised (it never serves before that). */
  current(): KeyRing {
    if (!this.ring) throw new Error('signing keys are not loaded yet');
    return this.ring;
  }

  private async entryOf(row: StoredSigningKey, kek: Buffer): Promise<KeyRingEntry> {
    const key = await restoreSigningKey(openPrivateKey(row.sealedPrivateKey, kek, row.kid), row.createdAt);
    if (row.status === 'active') return { key, status: 'active' };
    // A stopped key without its stop time is kept as if it stopped now: the
    // safe side, since its last token may have been signed a moment ago.
    return { key, status: row.status, notAfter: row.retiringAt ?? this.now() };
  }
}
