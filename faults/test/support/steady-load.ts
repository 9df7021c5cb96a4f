import { randomBytes } from 'node:crypto';
import type { FeatureFlag } from '@latchkey/contracts';
import { GATED, nth, operationFor, operationOutside, payloadOf, type ClientResource } from '@latchkey/service-testing';
import type { FaultIsv, FleetClients, Outcome } from './clients';

/** What an issuance asked for. */
export interface IssuanceRequest {
  readonly isvId: string;
  readonly resourceId: string;
  readonly features: FeatureFlag[];
}

/** A gated request: the token's jti, the trace id the client sent, and what it asked for. */
export interface UseRequest {
  readonly jti: string;
  readonly traceId: string;
  readonly isvId: string;
  readonly resourceId: string;
  readonly operation: string;
  readonly feature: FeatureFlag;
  /** When the client sent it (epoch ms), to tell a loss before, during or after the fault apart. */
  readonly at: number;
}

/**
 * What the clients of the load saw, and nothing else: the ledger the audit store is reconciled against. Every
 * request lands in exactly one list of its kind.
 */
export interface LoadLedger {
  /** Tokens answered 200, by jti. */
  readonly issued: Map<string, IssuanceRequest>;
  /** Issuances refused as planned (a flag the ISV was not granted): 403. */
  readonly refusedIssuances: IssuanceRequest[];
  /** Issuances answered 503 or 429: the service said it did not take them. */
  readonly sheddedIssuances: (IssuanceRequest & { status: number })[];
  /** Issuances that got no answer (refused connection, reset, timeout): committed or not, the client cannot know. */
  readonly lostIssuances: (IssuanceRequest & { why: string })[];
  /** Gated requests answered 200. */
  readonly served: UseRequest[];
  /** Gated requests answered anything else (403 as planned, 503, 429…). */
  readonly refusedUses: (UseRequest & { status: number })[];
  /** Gated requests that got no answer: served or not, the client cannot know. */
  readonly lostUses: (UseRequest & { why: string })[];
  /** Answers no plan foresaw even under a fault (a 500, a refused valid request, a planned refusal granted). */
  readonly surprises: string[];
  /** Ticks skipped because too many requests were already in flight (the load does not pile up during a fault). */
  skipped: number;
}

/** How the load runs: who asks, for which doors, how often. */
export interface LoadPlan {
  readonly isvs: readonly FaultIsv[];
  readonly doors: readonly ClientResource[];
  /** Client journeys started per second (each: one issuance, then one to three gated uses of its token). */
  readonly journeysPerSecond: number;
  /** Journeys in flight beyond which a tick is skipped rather than queued. */
  readonly maxInFlight?: number;
}

/** Statuses a service may answer while it is unavailable or shedding: the client retries later, nothing was taken. */
const UNAVAILABLE = new Set([429, 503]);

/**
 * A steady load of client journeys through the public HTTP surface only, at a fixed rate for as long as it runs:
 * each journey asks for a token (every sixth for a flag its ISV was not granted, which the issuer refuses with
 * 403), then uses it on its door once, a third of them twice, and every fifth once more for an operation the token
 * does not cover (403). Each gated request carries a traceparent of its own. The ledger records every answer.
 */
export class SteadyLoad {
  private readonly ledger: LoadLedger = {
    issued: new Map(),
    refusedIssuances: [],
    sheddedIssuances: [],
    lostIssuances: [],
    served: [],
    refusedUses: [],
    lostUses: [],
    surprises: [],
    skipped: 0,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timer: NodeJS.Timeout;
  private started = 0;

  private constructor(
    private readonly clients: FleetClients,
    private readonly plan: LoadPlan,
  ) {
    this.timer = setInterval(() => this.tick(), 1000 / plan.journeysPerSecond);
  }

  /** Starts the load; it runs until `stop()`. */
  static start(clients: FleetClients, plan: LoadPlan): SteadyLoad {
    return new SteadyLoad(clients, plan);
  }

  /** Gated requests answered 200 so far. */
  get served(): number {
    return this.ledger.served.length;
  }

  /** Journeys started so far. */
  get journeys(): number {
    return this.started;
  }

  /** Stops starting journeys, waits for those in flight (each request is bounded by REQUEST_TIMEOUT_MS), returns the ledger. */
  async stop(): Promise<LoadLedger> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return this.ledger;
  }

  private tick(): void {
    if (this.inFlight.size >= (this.plan.maxInFlight ?? 64)) {
      this.ledger.skipped++;
      return;
    }
    const journey = this.journey(this.started++).catch((error: unknown) => {
      this.ledger.surprises.push(`a journey failed: ${(error as Error).message}`);
    });
    this.inFlight.add(journey);
    void journey.finally(() => this.inFlight.delete(journey));
  }

  private async journey(i: number): Promise<void> {
    const isv = nth(this.plan.isvs, i);
    const door = nth(this.plan.doors, i);
    const refuse = i % 6 === 5;
    const features: FeatureFlag[] = refuse ? [GATED[operationOutside(isv.granted)].feature] : i % 4 === 0 ? [...isv.granted] : [nth(isv.granted, i)];
    const request: IssuanceRequest = { isvId: isv.id, resourceId: door.resourceId, features };
    const answer = await this.clients.issue(isv.subscriptionKey, door.armId, features);
    if ('lost' in answer) return void this.ledger.lostIssuances.push({ ...request, why: answer.lost });
    if (UNAVAILABLE.has(answer.status)) return void this.ledger.sheddedIssuances.push({ ...request, status: answer.status });
    if (answer.status !== 200) {
      this.ledger.refusedIssuances.push(request);
      if (!refuse || answer.status !== 403)
        this.ledger.surprises.push(`issuance ${i} (${features.join(',')}) answered ${answer.status}: ${answer.text.slice(0, 300)}`);
      return;
    }
    const token = answer.text;
    this.ledger.issued.set(payloadOf(token).jti, request);
    if (refuse) this.ledger.surprises.push(`issuance ${i} (${isv.id}, ${features.join(',')}) was granted`);
    await this.use(token, isv.id, door, nth(features, 0), 200);
    if (i % 3 === 0) await this.use(token, isv.id, door, nth(features, features.length - 1), 200);
    if (i % 5 === 0) await this.use(token, isv.id, door, GATED[operationOutside(features)].feature, 403);
  }

  private async use(token: string, isvId: string, door: ClientResource, feature: FeatureFlag, expected: 200 | 403): Promise<void> {
    const operation = operationFor(feature);
    const traceId = randomBytes(16).toString('hex');
    const request: UseRequest = {
      jti: payloadOf(token).jti,
      traceId,
      isvId,
      resourceId: door.resourceId,
      operation: GATED[operation].operation,
      feature,
      at: Date.now(),
    };
    const answer: Outcome = await this.clients.gated(operation, door, token, `00-${traceId}-${randomBytes(8).toString('hex')}-01`);
    if ('lost' in answer) return void this.ledger.lostUses.push({ ...request, why: answer.lost });
    if (answer.status === 200) this.ledger.served.push(request);
    else this.ledger.refusedUses.push({ ...request, status: answer.status });
    if (answer.status !== expected && !UNAVAILABLE.has(answer.status))
      this.ledger.surprises.push(`${operation} with ${request.jti} answered ${answer.status}, not ${expected}: ${answer.text.slice(0, 300)}`);
  }
}

/** One line about a ledger, for the test's log: how much was answered what. */
export function summarise(ledger: LoadLedger): string {
  return [
    `issued ${ledger.issued.size}`,
    `refused ${ledger.refusedIssuances.length}`,
    `shed ${ledger.sheddedIssuances.length}`,
    `lost ${ledger.lostIssuances.length}`,
    `served ${ledger.served.length}`,
    `uses refused ${ledger.refusedUses.length} (${ledger.refusedUses.filter((r) => UNAVAILABLE.has(r.status)).length} unavailable)`,
    `uses lost ${ledger.lostUses.length}`,
    `ticks skipped ${ledger.skipped}`,
  ].join(', ');
}
