import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureFlag } from '@latchkey/contracts';
import { tally, type ClientResource } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { FleetClients, type FaultIsv } from './clients';
import { Fleet, type ServiceEnv } from './fleet';
import { READY_AGAIN_MS, type ServiceName } from './fleet-service';
import { reconcileAfterCatchUp, verifyChain, type Reconciliation } from './reconcile';
import { SteadyLoad, summarise, type LoadLedger } from './steady-load';

/** Client journeys per second: about 12 issuances and 18 gated uses a second, modest on a shared 2-core machine. */
const JOURNEYS_PER_SECOND = 12;
/** Steady load before the fault, so it strikes a running stream, and after the recovery, so the stream is seen to go on. */
const LEAD_IN_MS = 5_000;
const TAIL_MS = 8_000;

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** What a fault's `inject` and `verify` can reach: the fleet, its clients, and the load running against it. */
export interface FaultContext {
  readonly fleet: Fleet;
  readonly clients: FleetClients;
  readonly load: SteadyLoad;
  /** A line for the test's output (timings, what the fault did). */
  note(line: string): void;
}

/**
 * One fault case, declaratively. The runner boots the fleet (with `serviceEnv` added to each service's first
 * boot), starts the steady load, lets it run, calls `inject`, waits for every service to answer /readyz 200
 * again (at most 60 s after `inject` returns), lets the load run on, stops it, and reconciles the audit store
 * with what the clients were answered; then `verify`, for checks of the case's own.
 */
export interface FaultCase {
  /** Names the spec's describe block. */
  readonly name: string;
  /** More variables for a service's first boot only (e.g. `{ audit: { LATCHKEY_CRASH_AT: '…' } }`). */
  readonly serviceEnv?: ServiceEnv;
  /**
   * The fault, under load; resolves once it is over and the platform was given back what an orchestrator would
   * give it (the broker started again, a stopped or crashed service started again), never any other help.
   */
  inject(ctx: FaultContext): Promise<void>;
  /** Services the case makes crash on purpose (a crash point), once per crash; any other exit fails the case. */
  readonly expectedCrashes?: readonly ServiceName[];
  /** Checks of the case's own, after the reconciliation passed. */
  verify?(ctx: FaultContext, ledger: LoadLedger): Promise<void>;
  /** Upper bound of `inject` (the runner adds boot, load, recovery and reconciliation time around it). */
  readonly injectMs: number;
}

/** The grants of the run's ISVs: none has every gated flag, so each can be refused a token and a use. */
const GRANTS: readonly (readonly FeatureFlag[])[] = [
  ['Face.Identification', 'Face.Verification'],
  ['Face.Identification'],
  ['Face.Verification', 'LimitedAccess.HighRisk'],
];

/** Waits for every service to answer /readyz 200; resolves with how long that took, or fails naming those that never did. */
async function readyAgain(fleet: Fleet): Promise<number> {
  const started = Date.now();
  const services = [...fleet.services.values()];
  await eventually(
    async () => {
      const ready = await Promise.all(services.map(async (s) => s.running && (await s.ready())));
      const late = services.filter((_, i) => !ready[i]).map((s) => s.name);
      const crashes = services.flatMap((s) => [...s.crashes, ...s.bootFailures.slice(-1)]);
      if (late.length > 0) throw new Error(`not ready: ${late.join(', ')}${crashes.length > 0 ? `; ${crashes.join('; ')}` : ''}`);
      return true;
    },
    { timeoutMs: READY_AGAIN_MS, intervalMs: 250, what: 'every service ready again' },
  );
  return Date.now() - started;
}

/** Each list of a reconciliation cut to its first five entries and its length: a failure names the first rows, not a thousand. */
function brief(result: Reconciliation): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(result).map(([name, value]) => [name, Array.isArray(value) ? { count: value.length, first: value.slice(0, 5) } : value]),
  );
}

/** How many of `uses` were sent before the fault, during it, and after it was over. */
function byPhase(uses: readonly { at: number }[], window: { struck: number; over: number }): Record<string, number> {
  const phase = (at: number) => (at < window.struck ? 'before' : at < window.over ? 'during' : 'after');
  return Object.fromEntries(tally(uses.map((u) => phase(u.at))));
}

/** Writes every service's output (all its processes) under the temp dir, for a failure to be read after the fleet is gone. */
async function keepLogs(fleet: Fleet, name: string): Promise<string> {
  const dir = join(tmpdir(), 'latchkey-faults', name.replace(/[^a-z0-9]+/gi, '-'));
  await mkdir(dir, { recursive: true });
  for (const service of fleet.services.values()) await writeFile(join(dir, `${service.name}.log`), service.logs());
  return dir;
}

/** Declares the spec of one fault case: its own broker, relay, databases and processes, stopped in afterAll whatever happened. */
export function describeFault(fault: FaultCase): void {
  describeWithInfrastructure(`fault: ${fault.name} (issuer, face-api, audit as processes; own Kafka broker; PostgreSQL through a relay)`, () => {
    let fleet: Fleet | undefined;
    let clients: FleetClients;
    let isvs: FaultIsv[];
    let doors: ClientResource[];
    const note = (line: string) => process.stdout.write(`[faults] ${fault.name}: ${line}\n`);

    beforeAll(async () => {
      const started = Date.now();
      fleet = new Fleet(fault.serviceEnv);
      await fleet.boot();
      clients = new FleetClients(fleet);
      const run = randomUUID().slice(0, 8);
      isvs = await Promise.all(GRANTS.map((granted, i) => clients.onboardIsv(`isv-fault-${i}-${run}`, granted)));
      doors = await Promise.all(['front', 'back', 'garage'].map((name) => clients.createClientResource(`${name}-door`)));
      const [first] = doors;
      if (first) await clients.warmUp(first);
      note(`fleet booted in ${Date.now() - started} ms`);
    }, 180_000);

    afterAll(async () => {
      if (fleet) note(`service logs: ${await keepLogs(fleet, fault.name)}`);
      await fleet?.stop();
    }, 120_000);

    it(
      'loses nothing: every token and served use stored once, nothing stored without a source, the chain verifies, every service ready again within 60 s',
      async () => {
        if (!fleet) throw new Error('no fleet');
        const load = SteadyLoad.start(clients, { isvs, doors, journeysPerSecond: JOURNEYS_PER_SECOND });
        const ctx: FaultContext = { fleet, clients, load, note };
        let ledger: LoadLedger;
        let readyMs: number;
        const window = { struck: Infinity, over: Infinity };
        try {
          await sleep(LEAD_IN_MS);
          window.struck = Date.now();
          await fault.inject(ctx);
          window.over = Date.now();
          note(`fault injected and over in ${window.over - window.struck} ms`);
          readyMs = await readyAgain(fleet);
          note(`every service ready again ${readyMs} ms after`);
          await sleep(TAIL_MS);
        } finally {
          ledger = await load.stop();
        }
        note(`load: ${load.journeys} journeys; ${summarise(ledger)}`);
        for (const service of fleet.services.values()) for (const line of [...service.crashes, ...service.bootFailures]) note(line);
        expect(readyMs).toBeLessThanOrEqual(READY_AGAIN_MS);
        // The load did what it was meant to: tokens and uses before and after the fault, refusals as planned.
        expect(ledger.issued.size).toBeGreaterThan(50);
        expect(ledger.served.length).toBeGreaterThan(50);
        expect(ledger.refusedIssuances.length).toBeGreaterThan(5);

        const caughtUp = Date.now();
        const store = fleet.auditStore;
        if (!store) throw new Error('no audit store');
        const result = await reconcileAfterCatchUp(
          store,
          ledger,
          isvs.map((i) => i.id),
        );
        note(`audit caught up and reconciled in ${Date.now() - caughtUp} ms (${result.rows} rows)`);
        const missedUses = ledger.served.filter((s) => result.usedMissing.some((key) => key.includes(s.traceId)));
        if (missedUses.length > 0) note(`served uses missing, by phase: ${JSON.stringify(byPhase(missedUses, window))}`);
        expect(brief(result)).toEqual(
          brief({ issuedMissing: [], usedMissing: [], duplicated: [], unsourced: [], rows: result.distinctIds, distinctIds: result.rows }),
        );
        expect(await verifyChain(store, fleet.audit.url)).toMatchObject({ ok: true, rows: result.rows, anchored: result.rows });
        // Checked after the store, so a failure here still shows whether anything was lost: no answer outside the plan
        // (503/429 and lost answers are fine during a fault; a 500 is not), and no service died of the fault but those
        // the case crashes on purpose (each restarted by the supervisor).
        expect(ledger.surprises).toEqual([]);
        const crashed = [...fleet.services.values()].flatMap((s) => s.crashes.map(() => s.name));
        expect(crashed.sort()).toEqual([...(fault.expectedCrashes ?? [])].sort());
        await fault.verify?.(ctx, ledger);
      },
      fault.injectMs + LEAD_IN_MS + READY_AGAIN_MS + TAIL_MS + 200_000,
    );
  });
}
