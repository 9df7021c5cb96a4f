/**
 * The legitimate traffic of tools/bench/abuse-latency.ts (its false-positive
 * check): several ISVs whose clients each hold a token, renew it about once
 * a minute, and use it at a steady human-device pace through the public HTTP
 * surface only, with the ordinary refusals of a working fleet now and then
 * (an issuance asking for a feature the ISV was not granted, a call for a
 * feature the token lacks). Nothing here is misuse: any alert the detector
 * raises over it is a false positive.
 */
import { performance } from 'node:perf_hooks';
import type { FeatureFlag } from '@latchkey/contracts';
import {
  innerErrorCode,
  type ClientResource,
  type FaceApiProcess,
  type GatedOperation,
  type IssuerProcess,
  type OnboardedIsv,
} from '@latchkey/service-testing';

/** What every ISV of the load is granted; `LimitedAccess.HighRisk` stays ungranted, for the ordinary refusals. */
const GRANTED: readonly FeatureFlag[] = ['Face.Identification', 'Face.Verification'];
/** A client renews its token after 30–90 s (a session, a door controller's refresh), far inside its hour of validity. */
const RENEW_MS = { min: 30_000, max: 90_000 };
/** One issuance in this many, over the fleet, asks for a flag its ISV was not granted (an app built against a newer grant). */
const UNGRANTED_ISSUANCE_EVERY = 10;
/** One use in this many calls an operation the token does not cover (a UI path left enabled by mistake). */
const UNCOVERED_USE_EVERY = 40;

/** How much legitimate traffic, for how long. */
export interface SteadyPlan {
  readonly isvs: number;
  readonly clientsPerIsv: number;
  readonly seconds: number;
  /** Mean gated calls per second per client (exponential gaps, so clients do not march in step). */
  readonly usesPerSecondPerClient: number;
}

/** What the fleet was answered. */
export interface SteadyOutcome {
  readonly isvIds: readonly string[];
  readonly clients: number;
  issued: number;
  /** Issuances refused as FeatureNotGrantedToIsv: the ordinary refusal planned. */
  refusedIssuances: number;
  served: number;
  /** Uses refused as FeatureNotInToken: the ordinary refusal planned. */
  refusedUses: number;
  /** Anything else, by `what status code`: a legitimate fleet should meet none. */
  readonly unexpected: Map<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One client of one ISV, from its first token to the deadline. */
async function runClient(
  issuer: IssuerProcess,
  face: FaceApiProcess,
  isv: OnboardedIsv,
  client: ClientResource,
  plan: SteadyPlan,
  outcome: SteadyOutcome,
  deadline: number,
): Promise<void> {
  const surprise = (what: string, status: number, body: string) => {
    const key = `${what} ${status} ${innerErrorCode(body) ?? ''}`.trim();
    outcome.unexpected.set(key, (outcome.unexpected.get(key) ?? 0) + 1);
  };
  let token: { value: string; features: readonly FeatureFlag[]; renewAt: number } | undefined;
  let renewals = 0;
  let uses = 0;
  await sleep(Math.random() * 2000); // a fleet does not start in step
  while (performance.now() < deadline) {
    if (token === undefined || performance.now() >= token.renewAt) {
      // Counted over the fleet: a client renews only a few times a run.
      if ((outcome.issued + outcome.refusedIssuances + 1) % UNGRANTED_ISSUANCE_EVERY === 0) {
        const refused = await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: client.armId, features: ['LimitedAccess.HighRisk'] });
        if (refused.status === 403 && innerErrorCode(refused.text) === 'FeatureNotGrantedToIsv') outcome.refusedIssuances += 1;
        else surprise('ungranted issuance', refused.status, refused.text);
      }
      renewals += 1;
      const features = renewals % 2 === 0 ? GRANTED : GRANTED.slice(0, 1);
      const answer = await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: client.armId, features });
      if (answer.status !== 200) {
        surprise('issuance', answer.status, answer.text);
        await sleep(1000);
        continue;
      }
      outcome.issued += 1;
      token = { value: answer.text, features, renewAt: performance.now() + RENEW_MS.min + Math.random() * (RENEW_MS.max - RENEW_MS.min) };
    }
    uses += 1;
    const uncovered = uses % UNCOVERED_USE_EVERY === 0;
    const operation: GatedOperation = uncovered
      ? 'findsimilars'
      : token.features.includes('Face.Verification') && uses % 3 === 0
        ? 'verify'
        : 'identify';
    const answer = await face.gated(operation, client.subscriptionKey, token.value);
    if (!uncovered && answer.statusCode === 200) outcome.served += 1;
    else if (uncovered && answer.statusCode === 403 && innerErrorCode(answer.body) === 'FeatureNotInToken') outcome.refusedUses += 1;
    else surprise(operation, answer.statusCode, answer.body);
    await sleep(-Math.log(1 - Math.random()) * (1000 / plan.usesPerSecondPerClient));
  }
}

/** Onboards the ISVs and registers their clients, then runs the fleet for `plan.seconds`. */
export async function steadyLoad(issuer: IssuerProcess, face: FaceApiProcess, plan: SteadyPlan, run: string): Promise<SteadyOutcome> {
  const fleet = await Promise.all(
    Array.from({ length: plan.isvs }, async (_, i) => {
      const isv = await issuer.onboardIsv(`isv-steady-${i}-${run}`, GRANTED);
      const clients = await Promise.all(Array.from({ length: plan.clientsPerIsv }, (_, c) => face.createClientResource(`steady-${i}-${c}`)));
      return { isv, clients };
    }),
  );
  const outcome: SteadyOutcome = {
    isvIds: fleet.map((f) => f.isv.id),
    clients: plan.isvs * plan.clientsPerIsv,
    issued: 0,
    refusedIssuances: 0,
    served: 0,
    refusedUses: 0,
    unexpected: new Map(),
  };
  const deadline = performance.now() + plan.seconds * 1000;
  await Promise.all(fleet.flatMap(({ isv, clients }) => clients.map((client) => runClient(issuer, face, isv, client, plan, outcome, deadline))));
  return outcome;
}
