import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { loadConfig, platformConfig } from '@latchkey/config';
import { resolveOperatorKey } from './operator-key';
import { OPERATOR_KEY_OPTIONS, type OperatorKeyOptions } from './operator-key.options';

/**
 * The break-glass operator credential of a service's admin API: one bearer key,
 * held only as a keyed digest. Presented keys are digested the same way and
 * the two 32-byte digests compared with timingSafeEqual, so neither the
 * key's content nor its length shows in the comparison's timing.
 */
@Injectable()
export class OperatorCredential implements OnModuleInit {
  private readonly logger: Logger;
  /** Per process: the digests are for comparing only, never stored or shown. */
  private readonly compareKey = randomBytes(32);
  private expected: Buffer | undefined;

  constructor(@Inject(OPERATOR_KEY_OPTIONS) private readonly options: OperatorKeyOptions) {
    this.logger = new Logger(`OperatorKey:${options.service}`);
  }

  async onModuleInit(): Promise<void> {
    const platform = loadConfig(platformConfig);
    const resolved = await resolveOperatorKey({
      configured: this.options.configured,
      embedded: !platform.DATABASE_URL,
      dataDir: platform.LATCHKEY_DATA_DIR,
      fileName: `${this.options.service}-operator-key`,
    });
    if (resolved === undefined) {
      this.logger.warn(`break-glass key off: ${this.options.variable} is not set, so only operators’ tokens open /admin/v1`);
      return;
    }
    this.expected = this.digest(resolved.key);
    // The path, never the key: the operator reads the file, the log stays shareable.
    if (resolved.from === 'file') this.logger.log(`admin API enabled; the operator key is in ${resolved.path}`);
  }

  /** False when no operator key exists: every admin request is refused. */
  get enabled(): boolean {
    return this.expected !== undefined;
  }

  /** True only when an operator key exists and `presented` is exactly it. */
  matches(presented: string): boolean {
    if (this.expected === undefined) return false;
    return timingSafeEqual(this.digest(presented), this.expected);
  }

  private digest(key: string): Buffer {
    return createHmac('sha256', this.compareKey).update(key, 'utf8').digest();
  }
}
