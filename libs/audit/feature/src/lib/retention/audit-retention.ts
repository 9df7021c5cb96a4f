import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditRetentionRepository } from '@latchkey/audit/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { auditConfig } from '../audit.config';
import { AUDIT_CLOCK } from '../checkpoints/audit-checkpointer';

const DAY_MS = 86_400_000;

/** What one prune removed. */
export interface PruneReport {
  /** Chain rows deleted. */
  readonly rows: number;
  /** The chain's first row afterwards (0: empty store). */
  readonly firstSeq: number;
  readonly deadLetters: number;
}

/**
 * Retention: every LATCHKEY_AUDIT_PRUNE_INTERVAL_MS, when
 * LATCHKEY_AUDIT_RETENTION_DAYS is set, prunes what was stored before the
 * cutoff, in steps that each end at a checkpoint signed before it (see
 * AuditRetentionRepository), so the chain stays verifiable from its new
 * first row. Replicas may prune at the same time: a step deletes a range
 * of rows and a second delete of it finds nothing.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditRetention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<PruneReport> | undefined;

  constructor(
    private readonly retention: AuditRetentionRepository,
    @InjectConfig(auditConfig) private readonly config: ConfigOf<typeof auditConfig>,
    @Optional() @Inject(AUDIT_CLOCK) private readonly now: () => Date = () => new Date(),
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.LATCHKEY_AUDIT_RETENTION_DAYS === 0) return;
    this.timer = setInterval(() => {
      const cutoff = new Date(this.now().getTime() - this.config.LATCHKEY_AUDIT_RETENTION_DAYS * DAY_MS);
      this.pruneBefore(cutoff).catch((error: unknown) => this.logger.error({ msg: 'retention prune failed', error: (error as Error).message }));
    }, this.config.LATCHKEY_AUDIT_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Prunes everything stored before `cutoff` that a checkpoint signed before it covers (one run at a time in this process). */
  pruneBefore(cutoff: Date): Promise<PruneReport> {
    this.running ??= this.prune(cutoff).finally(() => (this.running = undefined));
    return this.running;
  }

  private async prune(cutoff: Date): Promise<PruneReport> {
    let rows = 0;
    let firstSeq = await this.retention.firstSeq();
    for (
      let boundary = await this.retention.nextBoundary(cutoff, firstSeq);
      boundary;
      boundary = await this.retention.nextBoundary(cutoff, firstSeq)
    ) {
      const deleted = await this.retention.pruneBefore(boundary);
      if (deleted === undefined) {
        // The row a checkpoint signed as its head no longer carries that hash: keep everything for the investigation.
        this.logger.error({
          msg: 'retention prune stopped: the chain does not match its checkpoint; run `latchkey audit verify`',
          treeSize: boundary.treeSize,
        });
        break;
      }
      rows += deleted;
      firstSeq = boundary.treeSize;
    }
    const deadLetters = await this.retention.pruneDeadLetters(cutoff);
    if (rows > 0 || deadLetters > 0) this.logger.log({ msg: 'retention prune', cutoff: cutoff.toISOString(), rows, firstSeq, deadLetters });
    return { rows, firstSeq, deadLetters };
  }
}
