import { Logger } from '@nestjs/common';
import { RbacDeniedV1, type EventDefinition, type EventInput } from '@latchkey/contracts';

/** Provider token of the {@link RbacDenialRecorder} the guard uses. */
export const RBAC_DENIAL_RECORDER = Symbol('latchkey:rbacDenialRecorder');

/**
 * Where the guard records a 403. Best effort, like `lat.rejected`: a refusal
 * is answered whether or not its record gets through, so a failing bus
 * cannot stall refusals (nor turn them into passes).
 */
export interface RbacDenialRecorder {
  denied(denial: EventInput<typeof RbacDeniedV1>): void;
}

/** What publishes: the service's AcknowledgedPublisher (bus or durable spool) when it has one, else its EventBus. */
export interface DenialPublisher {
  publish<E extends EventDefinition>(definition: E, data: EventInput<E>): Promise<unknown>;
}

/** Publishes `rbac.denied` on the service's bus without waiting for it. */
export class BusDenialRecorder implements RbacDenialRecorder {
  private readonly logger = new Logger('RbacDenials');

  constructor(private readonly publisher: DenialPublisher) {}

  denied(denial: EventInput<typeof RbacDeniedV1>): void {
    this.publisher.publish(RbacDeniedV1, denial).catch((error: unknown) => {
      this.logger.warn({ msg: 'a denial could not be recorded', reason: denial.reason, endpoint: denial.endpoint, error: (error as Error).message });
    });
  }
}
