import type { ServiceName, Termination } from './support/fleet-service';
import { describeFault, sleep } from './support/fault-case';

/** Every service's graceful shutdown deadline: LATCHKEY_SHUTDOWN_TIMEOUT_MS, default 10 s (libs/config platform.config.ts). */
const SHUTDOWN_BOUND_MS = 10_000;
/** What the bound allows besides the shutdown itself: the exit of a Node process and the test's own polling. */
const EXIT_SLACK_MS = 2_000;
/** Load on the rest of the fleet between one service's restart and the next one's SIGTERM. */
const BETWEEN_MS = 3_000;

const ORDER: readonly ServiceName[] = ['issuer', 'face-api', 'audit'];
const terminations = new Map<ServiceName, Termination>();

/**
 * Every service sent SIGTERM in turn under load, as a rolling restart does: each must drain and exit 0 within its
 * shutdown deadline (requests in flight answered, outbox and spool handed on, consumer offsets committed), and be
 * started again by the orchestrator (here, the test), on the same port, database and data directory. Nothing a
 * client was answered 200 for may be lost, nor stored twice.
 */
describeFault({
  name: 'every service sent SIGTERM in turn and restarted',
  injectMs: ORDER.length * (15_000 + 60_000 + BETWEEN_MS),
  async inject({ fleet, note }) {
    for (const name of ORDER) {
      const service = fleet.service(name);
      const termination = await service.terminate();
      terminations.set(name, termination);
      note(`${name} SIGTERM: exit ${String(termination.code)} after ${termination.ms} ms`);
      const started = Date.now();
      await service.start();
      note(`${name} started again in ${Date.now() - started} ms`);
      await sleep(BETWEEN_MS);
    }
  },
  async verify() {
    for (const name of ORDER) {
      expect({ name, code: terminations.get(name)?.code }).toEqual({ name, code: 0 });
      expect(terminations.get(name)?.ms).toBeLessThanOrEqual(SHUTDOWN_BOUND_MS + EXIT_SLACK_MS);
    }
  },
});
