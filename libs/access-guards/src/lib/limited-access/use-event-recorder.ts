import { Injectable, Logger } from '@nestjs/common';
import { LatRejectedV1, LatUsedV1, type EventInput } from '@latchkey/contracts';
import { AcknowledgedPublisher } from '@latchkey/messaging';
import type { GatedUseRecorder } from './gated-use-recorder';

/**
 * Records gated uses through the service's AcknowledgedPublisher: a use
 * counts as recorded once the bus acknowledged it or it was written to the
 * durable local spool (drained to the bus later). When neither is possible
 * (bus down and spool full or disabled) `served` rejects and the guard
 * answers 503. Concurrent requests share one send (batching), which is what
 * keeps this affordable on the hot path (docs/BENCHMARKS.md).
 */
@Injectable()
export class UseEventRecorder implements GatedUseRecorder {
  private readonly logger = new Logger('GatedUses');

  constructor(private readonly publisher: AcknowledgedPublisher) {}

  async served(use: EventInput<typeof LatUsedV1>): Promise<void> {
    await this.publisher.publish(LatUsedV1, use);
  }

  refused(rejection: EventInput<typeof LatRejectedV1>): void {
    this.publisher.publish(LatRejectedV1, rejection).catch((error: unknown) => {
      this.logger.warn({ msg: 'a refusal could not be recorded', reason: rejection.reason, error: (error as Error).message });
    });
  }
}
