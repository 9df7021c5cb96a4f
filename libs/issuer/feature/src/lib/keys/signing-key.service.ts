import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { LAT_LIFETIME_MAX_SECONDS } from '@latchkey/contracts';
import { SigningKeyRepository, type StoredSigningKey } from '@latchkey/issuer/data-access';
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_SIGNING_ALGORITHM,
  generateSigningKey,
  KeyRing,
  openPrivateKey,
  planRotation,
  restoreSigningKey,
  sealPrivateKey,
  type KeyRingEntry,
  type SigningKey,
} from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { resolveLocalSecret } from './local-secret';

/** Injection token of the clock (tests pass a fixed one). */
export const CLOCK = Symbol('latchkey:clock');
export type Clock = () => Date;

/** How often each instance reloads the ring and runs the rotation plan. */
const MAINTENANCE_INTERVAL_MS = 60_000;

/**
 * The issuer's key ring. Loaded before the app serves (created on a first
 * start); the private halves are unsealed in memory only. Every instance
 * reloads it each minute and runs the rotation plan: a new key when the
 * active one reaches LATCHKEY_ISSUER_KEY_ROTATION_DAYS, and a retiring key
 * dropped from the JWKS only once its last possible token has expired. Ring
 * changes happen under a database lock, once across replicas.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys:issuer');
  private ring: KeyRing | undefined;
  private kek: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly keys: SigningKeyRepository,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    this.kek = await resolveLocalSecret({
      variable: 'LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY',
      configured: this.config.LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY,
      embedded: !platform.DATABASE_URL,
      dataDir: platform.LATCHKEY_DATA_DIR,
      fileName: 'issuer-key-encryption-key',
    });
    if (!(await this.keys.listPublished()).some((k) => k.status === 'active')) {
      await this.keys.underRotationLock(async (tx) => {
        if (await this.keys.hasActive(tx)) return; // another instance created it meanwhile
        await this.keys.promote(tx, await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now())), this.now());
      }, { wait: true });
    }
    await this.reload();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.maintain().catch((error: unknown) => this.logger.error({ msg: 'key maintenance failed', error: (error as Error).message }));
    }, MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The current ring; throws before the module initialised (it never serves before that). */
  current(): KeyRing {
    if (!this.ring) throw new Error('signing keys are not loaded yet');
    return this.ring;
  }

  /** Re-reads the ring from the database (another replica may have rotated). */
  async reload(): Promise<void> {
    const kek = this.requireKek();
    const stored = await this.keys.listPublished();
    this.ring = new KeyRing(await Promise.all(stored.map((row) => this.entryOf(row, kek))));
  }

  /**
   * Puts a new key in charge now; the old one keeps verifying until its
   * tokens expire. Returns the new kid, or undefined when another instance
   * holds the ring's lock (it is rotating or retiring; the caller may retry).
   */
  async rotate(reason: string): Promise<string | undefined> {
    const next = await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now());
    const row = await this.sealedRow(next);
    const done = await this.keys.underRotationLock((tx) => this.keys.promote(tx, row, this.now()).then(() => true));
    if (!done) return undefined;
    this.logger.log({ msg: 'signing key rotated', kid: next.kid, reason });
    await this.reload();
    return next.kid;
  }

  /**
   * Emergency retirement of a compromised key: if it still signs, a new key
   * takes over; it leaves the JWKS at once. Verifiers refuse its tokens from
   * the `access.revocation` record itself, without waiting for JWKS caches.
   */
  async retireNow(kid: string, reason: string): Promise<void> {
    const next = await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now()));
    await this.keys.underRotationLock(async (tx) => {
      const status = await this.keys.statusOf(tx, kid);
      if (status === undefined || status === 'retired') return;
      if (status === 'active') await this.keys.promote(tx, next, this.now());
      await this.keys.retire(tx, [kid], this.now());
      this.logger.warn({ msg: 'signing key retired in an emergency', kid, reason });
    });
    await this.reload();
  }

  /** One maintenance pass: reload, rotate when due, drop expired retiring keys. */
  async maintain(): Promise<void> {
    await this.reload();
    const plan = planRotation(this.current().entries(), this.now(), {
      rotateEvery: this.config.LATCHKEY_ISSUER_KEY_ROTATION_DAYS * 86_400,
      // Tokens live at most a day; add the verifiers' tolerance and the time
      // other instances may still sign with a rotated key (one reload interval).
      maxTokenLifetime: LAT_LIFETIME_MAX_SECONDS + DEFAULT_CLOCK_TOLERANCE_SECONDS + MAINTENANCE_INTERVAL_MS / 1000,
    });
    if (plan.createKeyNow) await this.rotate('scheduled');
    if (plan.dropNow.length > 0) {
      await this.keys.underRotationLock((tx) => this.keys.retire(tx, plan.dropNow, this.now()));
      this.logger.log({ msg: 'retiring keys dropped from the JWKS', kids: plan.dropNow });
      await this.reload();
    }
  }

  private requireKek(): Buffer {
    if (!this.kek) throw new Error('the key-encryption key is not loaded yet');
    return this.kek;
  }

  private async sealedRow(key: SigningKey) {
    return {
      kid: key.kid,
      alg: key.alg,
      publicJwk: key.publicJwk,
      sealedPrivateKey: sealPrivateKey(key.privateJwk, this.requireKek()),
      status: 'active' as const,
      createdAt: key.createdAt,
    };
  }

  private async entryOf(row: StoredSigningKey, kek: Buffer): Promise<KeyRingEntry> {
    const key = await restoreSigningKey(openPrivateKey(row.sealedPrivateKey, kek, row.kid), row.createdAt);
    if (row.status === 'active') return { key, status: 'active' };
    // A stopped key without its stop time is kept as if it stopped now: the
    // safe side, since its last token may have been signed a moment ago.
    return { key, status: row.status, notAfter: row.retiringAt ?? this.now() };
  }
}
