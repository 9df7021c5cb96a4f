import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, loadConfig, platformConfig, type ConfigOf } from '@latchkey/config';
import { LAT_LIFETIME_MAX_SECONDS } from '@latchkey/contracts';
import type { Transaction } from '@latchkey/persistence';
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
/** The JWKS responses' Cache-Control max-age (well-known.controller.ts), in seconds. */
const JWKS_MAX_AGE_SECONDS = 300;
/** Below this prepublish period a verifier could meet a new key it has not fetched: reload + JWKS max-age + a minute of refetch cooldown. */
const SAFE_PREPUBLISH_SECONDS = MAINTENANCE_INTERVAL_MS / 1000 + JWKS_MAX_AGE_SECONDS + 60;

/** A new key's row, its private half sealed. */
type SealedKeyRow = Parameters<SigningKeyRepository['promote']>[1];

/** A rotation as it stands: the key that takes over, and when. */
export interface RotationOutcome {
  readonly kid: string;
  /** `next` until `activatesAt`, `active` when it signs already. */
  readonly status: 'next' | 'active';
  readonly activatesAt: Date;
}

/**
 * The issuer's key ring. Loaded before the app serves (created on a first
 * start); the private halves are unsealed in memory only. Every instance
 * reloads it each minute and runs the rotation plan: a next key published
 * LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS before the active one reaches
 * LATCHKEY_ISSUER_KEY_ROTATION_DAYS, that key signing from then on, and a
 * retiring key dropped from the JWKS only once its last possible token has
 * expired. Ring changes happen under a database lock, once across replicas.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys:issuer');
  private ring: KeyRing | undefined;
  private kek: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reviewTimer: NodeJS.Timeout | undefined;

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
    if (this.config.LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS < SAFE_PREPUBLISH_SECONDS) {
      this.logger.warn({
        msg: 'new signing keys are published for less time than verifiers may take to fetch them: their first tokens may be refused',
        prepublishSeconds: this.config.LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS,
        safeSeconds: SAFE_PREPUBLISH_SECONDS,
      });
    }
    if (!(await this.keys.listPublished()).some((k) => k.status === 'active')) {
      await this.keys.underRotationLock((tx) => this.ensureSigningKey(tx), { wait: true });
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
    clearTimeout(this.reviewTimer);
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
   * A rotation on demand. A new key cannot sign the moment it is made, or
   * verifiers that fetched the JWKS within their cooldown would refuse its
   * tokens: so the next key (made now if there is none) takes over as soon
   * as it has been published for LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS, at
   * once if it already has. Returns the key and when it takes over, or
   * undefined when another instance holds the ring's lock (retry).
   */
  async rotate(reason: string): Promise<RotationOutcome | undefined> {
    const fresh = await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now()));
    const kid = await this.keys.underRotationLock(async (tx) => {
      const next = await this.keys.nextKid(tx);
      if (next !== undefined) {
        await this.keys.rescheduleNext(tx, next, this.now());
        return next;
      }
      await this.keys.insertNext(tx, fresh, new Date(this.now().getTime() + this.prepublishMs()));
      return fresh.kid;
    });
    if (kid === undefined) return undefined;
    this.logger.log({ msg: 'signing key rotation requested', kid, reason });
    await this.maintain();
    const entry = this.current()
      .entries()
      .find((e) => e.key.kid === kid);
    if (entry?.status === 'active') return { kid, status: 'active', activatesAt: this.now() };
    if (entry?.status === 'next') return { kid, status: 'next', activatesAt: this.activationOf(entry.key.createdAt, entry.activateAt) };
    return undefined; // retired meanwhile (an emergency): the caller lists the keys
  }

  /**
   * Emergency retirement of a compromised key: if it still signs, the next
   * key takes over at once (early, if need be: it has been published for a
   * while at least), else a brand-new one, whose first tokens verifiers
   * within their JWKS cooldown may refuse for up to that cooldown: a
   * compromise outweighs that. The key leaves the JWKS at once; verifiers
   * refuse its tokens from the `access.revocation` record itself, without
   * waiting for JWKS caches.
   */
  async retireNow(kid: string, reason: string): Promise<void> {
    const fresh = await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now()));
    await this.keys.underRotationLock(async (tx) => {
      const status = await this.keys.statusOf(tx, kid);
      if (status === undefined || status === 'retired') return;
      await this.keys.retire(tx, [kid], this.now());
      if (status === 'active') await this.ensureSigningKey(tx, fresh);
      this.logger.warn({ msg: 'signing key retired in an emergency', kid, reason });
    });
    await this.reload();
  }

  /** One maintenance pass: reload, publish or activate the next key when due, drop expired retiring keys. */
  async maintain(): Promise<void> {
    await this.reload();
    const plan = planRotation(this.current().entries(), this.now(), {
      rotateEvery: this.config.LATCHKEY_ISSUER_KEY_ROTATION_DAYS * 86_400,
      prepublish: this.config.LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS,
      // Tokens live at most a day; add the verifiers' tolerance and the time
      // other instances may still sign with a rotated key (one reload interval).
      maxTokenLifetime: LAT_LIFETIME_MAX_SECONDS + DEFAULT_CLOCK_TOLERANCE_SECONDS + MAINTENANCE_INTERVAL_MS / 1000,
    });
    const { createKeyNow, activateNow, prepareNextNow, nextActivatesAt, dropNow } = plan;
    if (createKeyNow || activateNow !== null || prepareNextNow || dropNow.length > 0) {
      const fresh = createKeyNow || prepareNextNow ? await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now())) : undefined;
      await this.keys.underRotationLock(async (tx) => {
        if (createKeyNow) await this.ensureSigningKey(tx, fresh);
        if (activateNow !== null && (await this.keys.activateNext(tx, activateNow, this.now()))) {
          this.logger.log({ msg: 'next signing key took over', kid: activateNow });
        }
        if (prepareNextNow && fresh && nextActivatesAt && (await this.keys.nextKid(tx)) === undefined) {
          await this.keys.insertNext(tx, fresh, nextActivatesAt);
          this.logger.log({ msg: 'next signing key published', kid: fresh.kid, activatesAt: nextActivatesAt.toISOString() });
        }
        if (dropNow.length > 0) {
          await this.keys.retire(tx, dropNow, this.now());
          this.logger.log({ msg: 'retiring keys dropped from the JWKS', kids: dropNow });
        }
      });
      await this.reload();
    }
    this.reviewAt(plan.nextReviewAt);
  }

  /** Under the ring's lock: makes sure a key signs, the next key if there is one, else `fresh` (or a new key). */
  private async ensureSigningKey(tx: Transaction, fresh?: SealedKeyRow): Promise<void> {
    if (await this.keys.hasActive(tx)) return; // another instance did it meanwhile
    const next = await this.keys.nextKid(tx);
    if (next !== undefined && (await this.keys.activateNext(tx, next, this.now()))) return;
    await this.keys.promote(tx, fresh ?? (await this.sealedRow(await generateSigningKey(DEFAULT_SIGNING_ALGORITHM, this.now()))), this.now());
  }

  /** Runs maintenance again at `at` when that comes before the next regular pass (a next key's takeover). */
  private reviewAt(at: Date): void {
    const inMs = at.getTime() - this.now().getTime();
    if (inMs >= MAINTENANCE_INTERVAL_MS || !this.timer) return;
    clearTimeout(this.reviewTimer);
    this.reviewTimer = setTimeout(
      () => {
        this.maintain().catch((error: unknown) => this.logger.error({ msg: 'key maintenance failed', error: (error as Error).message }));
      },
      Math.max(inMs, 0) + 50,
    );
    this.reviewTimer.unref();
  }

  private prepublishMs(): number {
    return this.config.LATCHKEY_ISSUER_KEY_PREPUBLISH_SECONDS * 1000;
  }

  /** When a next key takes over: its activateAt, but never before it has been published for the prepublish period. */
  private activationOf(createdAt: Date, activateAt: Date): Date {
    return new Date(Math.max(activateAt.getTime(), createdAt.getTime() + this.prepublishMs()));
  }

  private requireKek(): Buffer {
    if (!this.kek) throw new Error('the key-encryption key is not loaded yet');
    return this.kek;
  }

  private async sealedRow(key: SigningKey): Promise<SealedKeyRow> {
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
    if (row.status === 'next') return { key, status: 'next', activateAt: this.activationOf(row.createdAt, row.activateAt ?? row.createdAt) };
    // A stopped key without its stop time is kept as if it stopped now: the
    // safe side, since its last token may have been signed a moment ago.
    return { key, status: row.status, notAfter: row.retiringAt ?? this.now() };
  }
}
