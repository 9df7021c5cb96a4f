import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditCheckpointRepository, AuditEventRepository, type StoredCheckpoint } from '@latchkey/audit/data-access';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { AuditCheckpointV1 } from '@latchkey/contracts';
import { OutboxWriter } from '@latchkey/messaging';
import { signAuditCheckpoint } from '@latchkey/tokens';
import { auditConfig } from '../audit.config';
import { AuditSigningKey } from './audit-signing-key';

/** Injection token of the checkpointer's clock (tests pass their own). */
export const AUDIT_CLOCK = Symbol('latchkey:auditClock');

/**
 * Signs checkpoints of the chain: every LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS
 * even when nothing arrived, and after every LATCHKEY_AUDIT_CHECKPOINT_EVERY
 * stored events. Each one is taken under the chain's lock (the head cannot
 * move while it is read and signed), stored in audit.checkpoints, and put
 * in the outbox for `audit.checkpoint` in the same transaction, so the copy
 * outside the database is never missing one.
 */
@Injectable()
export class AuditCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditCheckpoints');
  private timer: NodeJS.Timeout | undefined;
  private storedSince = 0;
  private pending: Promise<StoredCheckpoint> | undefined;

  constructor(
    private readonly events: AuditEventRepository,
    private readonly checkpoints: AuditCheckpointRepository,
    private readonly key: AuditSigningKey,
    private readonly outbox: OutboxWriter,
    @InjectConfig(auditConfig) private readonly config: ConfigOf<typeof auditConfig>,
    @Optional() @Inject(AUDIT_CLOCK) private readonly now: () => Date = () => new Date(),
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.checkpointInBackground('interval'), this.config.LATCHKEY_AUDIT_CHECKPOINT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Called with how many events were just stored: after enough of them, a checkpoint. */
  noteStored(count = 1): void {
    this.storedSince += count;
    if (this.storedSince >= this.config.LATCHKEY_AUDIT_CHECKPOINT_EVERY) this.checkpointInBackground('count');
  }

  /** Signs a checkpoint of the chain as it is now (one at a time in this process; replicas serialise on the chain's lock). */
  checkpoint(): Promise<StoredCheckpoint> {
    this.pending ??= this.sign().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private checkpointInBackground(why: 'interval' | 'count'): void {
    this.checkpoint().catch((error: unknown) => this.logger.error({ msg: 'checkpoint failed', why, error: (error as Error).message }));
  }

  private async sign(): Promise<StoredCheckpoint> {
    this.storedSince = 0;
    const issuer = this.config.LATCHKEY_AUDIT_URL.replace(/\/+$/, '');
    return this.events.withChainLocked(async (tx) => {
      const head = await this.events.head(tx);
      const previous = await this.checkpoints.latest(tx);
      const signed = await signAuditCheckpoint(
        { issuer, treeSize: head.treeSize, headHash: head.headHash, previous: previous?.token, now: this.now() },
        this.key.signingKey(),
      );
      const checkpoint = { treeSize: head.treeSize, headHash: head.headHash, token: signed.token };
      await this.checkpoints.append(tx, checkpoint);
      await this.outbox.write(tx, AuditCheckpointV1, { issuer, treeSize: head.treeSize, headHash: head.headHash, checkpoint: signed.token });
      return { ...checkpoint, createdAt: this.now() };
    });
  }
}
