import { catalogueCounter, isProbePath } from '@latchkey/telemetry';
import type { FastifyInstance } from 'fastify';
import { wireFamilyOf } from '../errors/wire-format.decorator';
import { nodeEventLoopMonitor, type EventLoopMonitor } from './event-loop-monitor';
import type { LoadSheddingConfig } from './load-shedding.config';
import { LoadShedder, STEER_MIN_ARRIVALS, type ShedReason } from './load-shedder';
import { shedResponse } from './shed-response';

/**
 * How often the event loop is sampled, and so how often the admitted share
 * moves. Short enough that a sudden overload is under control within a
 * second (three cuts by a fifth halve the share), long enough that one sample
 * spans hundreds of requests, not one slow tick or GC pause.
 */
export const EVENT_LOOP_SAMPLE_MS = 250;

/** Seams for tests: a fake monitor and a manual sampling trigger instead of the real loop and timer. */
export interface LoadSheddingDeps {
  readonly monitor?: EventLoopMonitor;
  /** Starts periodic sampling; returns a stop function. Defaults to an unref'd interval. */
  readonly schedule?: (sample: () => void) => () => void;
  /** Called for each shed request (the metric by default). */
  readonly onShed?: (reason: ShedReason) => void;
}

function everySampleInterval(sample: () => void): () => void {
  // unref: sampling must never keep a stopping process alive.
  const timer = setInterval(sample, EVENT_LOOP_SAMPLE_MS).unref();
  return () => clearInterval(timer);
}

/** A shedding hook added to Fastify, inactive (admitting everything) until armed with its thresholds. */
export interface DeferredLoadShedding {
  /** Starts shedding with these thresholds; once per instance. @returns the shedder, for inspection. */
  arm(config: LoadSheddingConfig, deps?: LoadSheddingDeps): LoadShedder;
}

/**
 * Adds early global load shedding to a Fastify instance, to be armed later.
 * Why in two steps: Fastify runs `onRequest` hooks in the order they were
 * added, and Nest adds its middleware (request logging among them) while the
 * app is created; so the hook goes in before that, and is armed once the
 * service's module (whose DI holds the thresholds) exists. A shed request then
 * costs a counter compare and a small JSON write: no middleware, no log line,
 * no body parsing, guard or handler, hence no `lat.issued`/`lat.used` event.
 * An admitted request is never interrupted; it counts as in flight until its
 * response is finished or its connection closed. Probes and /metrics are
 * exempt and uncounted, so an overloaded instance still reports ready and can
 * be observed.
 */
export function deferLoadShedding(fastify: FastifyInstance): DeferredLoadShedding {
  let shedder: LoadShedder | undefined;
  let retryAfterSeconds = 1;
  let onShed: (reason: ShedReason) => void = () => undefined;
  let stop: () => void = () => undefined;

  fastify.addHook('onRequest', (request, reply, done) => {
    if (shedder === undefined || isProbePath(request.url)) {
      done();
      return;
    }
    const refusal = shedder.tryAdmit();
    if (refusal === undefined) {
      const admitted = shedder;
      // 'close' fires once whether the response finished or the client went away, so every admission is released.
      reply.raw.once('close', () => admitted.release());
      done();
      return;
    }
    onShed(refusal);
    const response = shedResponse(wireFamilyOf(request), retryAfterSeconds);
    // Answering from the hook ends the request here (done() is not called): later hooks and the handler never run.
    void reply.code(response.status).headers(response.headers).send(JSON.stringify(response.body));
  });
  fastify.addHook('onClose', (_instance, done) => {
    stop();
    done();
  });

  return {
    arm(config, deps = {}) {
      if (shedder !== undefined) throw new Error('load shedding is already armed');
      // Unset here means off: LoadSheddingPolicy has already put a service's own default in.
      const utilizationPercent = config.LATCHKEY_SHED_MAX_EVENT_LOOP_UTILIZATION ?? 0;
      const armed = new LoadShedder({
        maxInFlight: config.LATCHKEY_SHED_MAX_IN_FLIGHT,
        maxEventLoopDelayMs: config.LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS,
        maxEventLoopUtilization: utilizationPercent / 100,
        steerMinArrivals: STEER_MIN_ARRIVALS,
      });
      retryAfterSeconds = config.LATCHKEY_SHED_RETRY_AFTER_SECONDS;
      onShed = deps.onShed ?? countShedRequests();
      if (config.LATCHKEY_SHED_MAX_EVENT_LOOP_DELAY_MS > 0 || utilizationPercent > 0) {
        const monitor = deps.monitor ?? nodeEventLoopMonitor();
        const stopSampling = (deps.schedule ?? everySampleInterval)(() => armed.observe(monitor.sample()));
        stop = () => {
          stopSampling();
          monitor.stop();
        };
      }
      shedder = armed;
      return armed;
    },
  };
}

/** Adds and arms load shedding at once (see {@link deferLoadShedding}); call before the instance listens. */
export function installLoadShedding(fastify: FastifyInstance, config: LoadSheddingConfig, deps: LoadSheddingDeps = {}): LoadShedder {
  return deferLoadShedding(fastify).arm(config, deps);
}

/** The shed counter of the metric catalogue, created now (after the SDK started), never at module load. */
function countShedRequests(): (reason: ShedReason) => void {
  const counter = catalogueCounter('shedRequests');
  return (reason) => counter.add(1, { reason });
}
