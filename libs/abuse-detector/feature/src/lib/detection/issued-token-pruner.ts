import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { IssuedTokenRepository } from '@latchkey/abuse-detector/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { abuseDetectorConfig } from '../abuse-detector.config';
import { ABUSE_CLOCK, type Clock } from './detection-rules';

/**
 * Forgets issued tokens a grace period after they expired: no use of them
 * can pass any more, and the table would otherwise grow with every token
 * ever issued. Every replica prunes; the DELETE is idempotent.
 */
@Injectable()
export class IssuedTokenPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IssuedTokenPruner.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tokens: IssuedTokenRepository,
    @InjectConfig(abuseDetectorConfig) private readonly config: ConfigOf<typeof abuseDetectorConfig>,
    @Inject(ABUSE_CLOCK) private readonly now: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.prune().catch((error: unknown) => this.logger.warn({ msg: 'pruning issued tokens failed', error: (error as Error).message }));
    }, this.config.LATCHKEY_ABUSE_DETECTOR_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Deletes the tokens expired longer ago than the grace period; returns how many. */
  async prune(): Promise<number> {
    const before = new Date(this.now().getTime() - this.config.LATCHKEY_ABUSE_DETECTOR_ISSUED_TOKEN_GRACE_MS);
    const pruned = await this.tokens.pruneExpired(before);
    if (pruned > 0) this.logger.log({ msg: 'expired issued tokens pruned', count: pruned });
    return pruned;
  }
}
