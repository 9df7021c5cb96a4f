import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { abuseCasesConfig } from './abuse-cases.config';
import { CaseWorkflow } from './case-workflow';
import { repeat, type Repeating } from './repeat';

/**
 * Escalates open cases past their deadline, every
 * LATCHKEY_ABUSE_CASE_SWEEP_INTERVAL_MS. Every replica sweeps; a case
 * escalates once, because the transition re-reads it under its lock.
 */
@Injectable()
export class CaseEscalationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CaseEscalationScheduler.name);
  private sweeping: Repeating | undefined;

  constructor(
    private readonly workflow: CaseWorkflow,
    @InjectConfig(abuseCasesConfig) private readonly config: ConfigOf<typeof abuseCasesConfig>,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeping = repeat(this.config.LATCHKEY_ABUSE_CASE_SWEEP_INTERVAL_MS, 'escalating overdue cases', this.logger, () =>
      this.workflow.escalateOverdue(),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeping?.stop();
  }
}
