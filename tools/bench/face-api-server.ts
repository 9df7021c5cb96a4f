/**
 * The face-api under benchmark, in a process of its own (forked by
 * tools/bench/token-use.ts and revocation-latency.ts through
 * face-api-process.ts), so the load generator does not share its event loop.
 *
 * It boots the real FaceApiModule with createServiceApp, on PostgreSQL and
 * the Kafka broker of the environment (DATABASE_URL, KAFKA_BROKERS), trusting
 * the parent's local token issuer (LATCHKEY_LAT_ISSUER, LATCHKEY_LAT_JWKS_URL),
 * plus two bench routes in the same Nest/Fastify app:
 *
 * - POST /bench/unguarded/verify: the gated operation's own handler
 *   (FaceRecognitionController.verify, same body validation and matcher)
 *   behind the subscription-key guard only, no token;
 * - POST /bench/verify-only: verifyLimitedAccessToken (libs/tokens, jose's
 *   jwtVerify) against a JWKS fetched once at boot, and nothing else: no key
 *   guard, no revocation check, no recording.
 *
 * Bench-only overrides of the app's singletons, after boot:
 * - the GATED_USE_RECORDER instance's `served` can be switched to a no-op
 *   (`recorder` message, or BENCH_GATED_USE_RECORDER=noop at start), to
 *   isolate what recording each use costs on the guarded route;
 * - AcknowledgedPublisher.publish counts its receipts (bus or spool) per
 *   event type, so the parent can check that every served request was recorded.
 *
 * With BENCH_REVOCATION_ACKS=1 the logs go through a filter that sends each
 * `revocation applied` line to the parent and drops other info lines.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { Controller, Headers, HttpCode, Module, Post, Body, UseGuards, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { GATED_USE_RECORDER, LatError, LIMITED_ACCESS_TOKEN_HEADER, RevocationFeedStatus, type GatedUseRecorder } from '@latchkey/access-guards';
import { canonicalResourceId, type EventDefinition, type EventInput } from '@latchkey/contracts';
import {
  ClientResourceKeyGuard,
  DEMO_CLIENT_RESOURCE_ID,
  detectedFaceId,
  FaceApiModule,
  SeedDemoClientResourceUseCase,
} from '@latchkey/face-api/feature';
import { createServiceApp, Public, type ServiceHandle } from '@latchkey/http';
import { AcknowledgedPublisher, EventBus, type PublishOptions, type PublishReceipt } from '@latchkey/messaging';
import { verifyLimitedAccessToken, type JsonWebKeySet } from '@latchkey/tokens';
import type { ParentMessage, PublisherCounts, RecorderMode, ServerMessage } from './token-use-protocol';

const READY_TIMEOUT_MS = 60_000;
/** verify's answer shape, so the bare route writes a response of the same kind and size. */
const VERIFY_ONLY_ANSWER = { isIdentical: false, confidence: 0.12345 };

function send(message: ServerMessage): void {
  process.send?.(message);
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (run me through tools/bench/token-use.ts)`);
  return value;
}

/** The FaceRecognitionController the app created (the class is not exported by @latchkey/face-api/feature). */
function recognitionController(modules: ModulesContainer): { verify(body: unknown): unknown } {
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype?.name === 'FaceRecognitionController' && wrapper.instance) return wrapper.instance as { verify(body: unknown): unknown };
    }
  }
  throw new Error('FaceRecognitionController not found in the app');
}

@Controller('bench')
class BenchRoutesController implements OnModuleInit {
  private recognition: { verify(body: unknown): unknown } | undefined;
  private jwks: JsonWebKeySet | undefined;
  private readonly issuer = requiredEnv('LATCHKEY_LAT_ISSUER');
  private readonly audience = canonicalResourceId(DEMO_CLIENT_RESOURCE_ID);

  constructor(private readonly modules: ModulesContainer) {}

  async onModuleInit(): Promise<void> {
    this.recognition = recognitionController(this.modules);
    // Fetched once: the bare route pays for the signature and claims, never for a key lookup over HTTP.
    const response = await fetch(requiredEnv('LATCHKEY_LAT_JWKS_URL'));
    this.jwks = (await response.json()) as JsonWebKeySet;
  }

  /** The gated operation without its token: ClientResourceKeyGuard, then the real handler. */
  @Post('unguarded/verify')
  @UseGuards(ClientResourceKeyGuard)
  @HttpCode(200)
  unguardedVerify(@Body() body: unknown): unknown {
    if (!this.recognition) throw new Error('bench routes not initialised');
    return this.recognition.verify(body);
  }

  /** Only the signature and claims check of the token, on the pre-fetched key set. */
  @Post('verify-only')
  @Public()
  @HttpCode(200)
  async verifyOnly(@Headers(LIMITED_ACCESS_TOKEN_HEADER) header: string | undefined): Promise<typeof VERIFY_ONLY_ANSWER> {
    if (!this.jwks) throw new Error('bench routes not initialised');
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    try {
      await verifyLimitedAccessToken(token, { jwks: this.jwks, issuer: this.issuer, audience: this.audience });
    } catch (cause) {
      throw new LatError('LAT.BAD_SIGNATURE', 'The limited access token is not valid.', {}, { cause });
    }
    return VERIFY_ONLY_ANSWER;
  }
}

@Module({ imports: [FaceApiModule], controllers: [BenchRoutesController] })
class BenchFaceApiModule {}

/**
 * Waits, as runService does, until the service reports ready: the bus, the
 * database and the revocation topic loaded. Should the `revocations`
 * readiness check alone keep failing while the feed is loaded and current
 * (what the gate itself checks), that is reported and the load proceeds:
 * the gate, not the probe, is what is measured.
 */
async function untilServable(handle: ServiceHandle): Promise<void> {
  const feed = handle.app.get(RevocationFeedStatus, { strict: false });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const report = await handle.readiness.evaluate();
    if (report.ready) return;
    const othersReady = report.checks.every((check) => check.ok || check.name === 'revocations');
    if (othersReady && feed.isLoaded && feed.staleForMs() < 1000) {
      process.stderr.write('face-api-server: the revocations readiness check fails although the feed is loaded and current; proceeding\n');
      return;
    }
    if (Date.now() > deadline) throw new Error(`not ready within ${READY_TIMEOUT_MS / 1000} s: ${JSON.stringify(report)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Replaces the recorder's `served` on the app's one GATED_USE_RECORDER instance (the guard holds that instance). */
function switchableRecorder(handle: ServiceHandle, initial: RecorderMode): (mode: RecorderMode) => void {
  const recorder = handle.app.get<GatedUseRecorder>(GATED_USE_RECORDER, { strict: false });
  const served = recorder.served.bind(recorder);
  let mode = initial;
  recorder.served = (use) => (mode === 'noop' ? Promise.resolve() : served(use));
  return (next) => {
    mode = next;
  };
}

/** Counts the receipts of the app's AcknowledgedPublisher by event type and destination, and the bus's sends. */
function countingPublisher(handle: ServiceHandle): () => PublisherCounts {
  const publisher = handle.app.get(AcknowledgedPublisher);
  const publish = publisher.publish.bind(publisher);
  const accepted: Record<string, { bus: number; spool: number }> = {};
  const bus = handle.app.get(EventBus);
  const publishEnvelopes = bus.publishEnvelopes.bind(bus);
  const sends = { calls: 0, events: 0 };
  bus.publishEnvelopes = (items) => {
    sends.calls += 1;
    sends.events += items.length;
    return publishEnvelopes(items);
  };
  publisher.publish = async <E extends EventDefinition>(definition: E, data: EventInput<E>, options?: PublishOptions): Promise<PublishReceipt> => {
    const receipt = await publish(definition, data, options);
    const entry = (accepted[definition.type] ??= { bus: 0, spool: 0 });
    entry[receipt.via] += 1;
    return receipt;
  };
  return () => {
    const health = publisher.health();
    return {
      accepted: structuredClone(accepted),
      refused: health.refused,
      pendingEvents: health.pendingEvents,
      queued: health.queued,
      busSends: sends.calls,
      busEvents: sends.events,
    };
  };
}

/** CPU time of the main thread (the event loop) alone: fields 14 and 15 of its /proc stat, in 100 Hz ticks. */
function mainThreadMicros(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10_000;
}

/** Sends `revocation applied` lines to the parent; keeps warnings and errors on stderr; drops the rest (per-request info lines). */
function revocationAckStream(): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.includes('"revocation applied"')) {
          const entry = JSON.parse(line) as { revocationId: string; appliedAt: string; propagationMs: number };
          send({ kind: 'revocation-applied', revocationId: entry.revocationId, appliedAt: entry.appliedAt, propagationMs: entry.propagationMs });
        } else if (/"level":"(warn|error|fatal)"/.test(line)) {
          process.stderr.write(line + '\n');
        }
      }
      done();
    },
  });
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('run me through tools/bench/token-use.ts or revocation-latency.ts (needs an IPC channel)');
  requiredEnv('KAFKA_BROKERS');
  requiredEnv('DATABASE_URL');
  const logStream = process.env['BENCH_REVOCATION_ACKS'] === '1' ? revocationAckStream() : undefined;
  const handle = await createServiceApp({ name: 'face-api', module: BenchFaceApiModule, port: 0, logStream });
  await untilServable(handle);

  const seeded = await handle.app.get(SeedDemoClientResourceUseCase).execute();
  if (!seeded.subscriptionKey) throw new Error('the demo client resource already existed: use a fresh database');
  const setRecorder = switchableRecorder(handle, process.env['BENCH_GATED_USE_RECORDER'] === 'noop' ? 'noop' : 'kafka');
  const counts = countingPublisher(handle);

  process.on('message', (message: ParentMessage) => {
    switch (message.kind) {
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        const loop = performance.eventLoopUtilization();
        send({ kind: 'cpu', userMicros: user, systemMicros: system, mainThreadMicros: mainThreadMicros(), loopActiveMs: loop.active, loopIdleMs: loop.idle });
        return;
      }
      case 'counts':
        send({ kind: 'counts', counts: counts() });
        return;
      case 'recorder':
        setRecorder(message.mode);
        send({ kind: 'recorder', mode: message.mode });
        return;
      case 'stop':
        // Close the pool and the bus (last spool drain) before the parent drops the scratch database.
        void handle.close().finally(() => process.exit(0));
        return;
    }
  });
  const verifyBody = JSON.stringify({
    faceId1: detectedFaceId('https://images.example.com/bench/door-1.jpg', 0),
    faceId2: detectedFaceId('https://images.example.com/bench/door-2.jpg', 0),
  });
  send({ kind: 'ready', url: handle.url, subscriptionKey: seeded.subscriptionKey, resourceId: seeded.resourceId, verifyBody });
}

main().catch((error: unknown) => {
  send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
