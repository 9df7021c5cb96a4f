import { randomBytes } from 'node:crypto';
import type { FeatureFlag } from '@latchkey/contracts';
import { GATED, type ClientResource, type GatedOperation } from './face-api-client';
import type { FaceApiProcess } from './face-api-process';
import type { IssuerProcess, OnboardedIsv } from './issuer-process';

/** An ISV onboarded for the burst, with the flags the operator granted it. */
export interface BurstIsv extends OnboardedIsv {
  readonly granted: readonly FeatureFlag[];
}

/** What the clients saw, and nothing else: the ledger the audit store is reconciled against. */
export interface ClientLedger {
  /** Every token answered 200, by the `jti` of its payload, with what it was issued for. */
  readonly issued: Map<string, { isvId: string; resourceId: string; features: FeatureFlag[] }>;
  /** Every issuance refused, with what was asked. */
  readonly refusedIssuances: { isvId: string; resourceId: string; requestedFeatures: FeatureFlag[]; status: number; code: string }[];
  /** Every gated request answered 200, told apart by the trace id the client sent (W3C traceparent). */
  readonly served: { jti: string; traceId: string; isvId: string; resourceId: string; operation: string; feature: FeatureFlag }[];
  /** Every gated request refused, by trace id: none of them may be recorded as a use. */
  readonly refusedUses: { jti: string; traceId: string; status: number }[];
  /** Answers no plan foresaw (a 5xx, a refused valid request), for the test to fail on with the detail. */
  readonly surprises: string[];
}

/** The claims a client can read from its token without verifying it: enough to know its `jti`. */
export function payloadOf(token: string): { jti: string; aud: string; features?: string[] } {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { jti: string; aud: string };
}

/** Runs `tasks` with at most `limit` in flight, as a fleet of clients would. */
async function inParallel(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]?.();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const OPERATIONS = Object.keys(GATED) as GatedOperation[];

/** The `i`-th of `list`, round the list. */
export function nth<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length];
  if (item === undefined) throw new Error('the burst needs at least one of each');
  return item;
}

/** The gated operation of a feature the given ones leave out: there is one, since no ISV is granted every gated flag. */
export function operationOutside(features: readonly FeatureFlag[]): GatedOperation {
  const outside = OPERATIONS.find((op) => !features.includes(GATED[op].feature));
  if (outside === undefined) throw new Error(`${features.join(', ')} cover every gated operation: nothing to refuse`);
  return outside;
}

/** The gated operation that requires `feature`. */
export const operationFor = (feature: FeatureFlag): GatedOperation =>
  nth(
    OPERATIONS.filter((op) => GATED[op].feature === feature),
    0,
  );

/**
 * A burst of issuances and uses through the public HTTP surface only: `issuances` token requests spread over
 * the ISVs and doors (every sixth asks for a flag its ISV was not granted, which the issuer refuses), and each
 * token, as soon as it arrives, used once or twice on its door, plus a use the token does not cover for every
 * fifth. Each gated request carries a traceparent of its own, so its `lat.used` can be told from the token's
 * other uses. The ledger records what the clients were answered, whatever it was.
 */
export async function runBurst(
  issuer: IssuerProcess,
  face: FaceApiProcess,
  plan: { isvs: readonly BurstIsv[]; doors: readonly ClientResource[]; issuances: number; concurrency: number },
): Promise<ClientLedger> {
  const ledger: ClientLedger = { issued: new Map(), refusedIssuances: [], served: [], refusedUses: [], surprises: [] };

  const use = async (token: string, isvId: string, door: ClientResource, feature: FeatureFlag, expected: 200 | 403) => {
    const { jti } = payloadOf(token);
    const traceId = randomBytes(16).toString('hex');
    const operation = operationFor(feature);
    const answer = await face.gated(operation, door.subscriptionKey, token, { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
    if (answer.statusCode === 200)
      ledger.served.push({ jti, traceId, isvId, resourceId: door.resourceId, operation: GATED[operation].operation, feature });
    else ledger.refusedUses.push({ jti, traceId, status: answer.statusCode });
    if (answer.statusCode !== expected)
      ledger.surprises.push(`${operation} with ${jti} answered ${answer.statusCode}, not ${expected}: ${answer.body}`);
  };

  const tasks = Array.from({ length: plan.issuances }, (_, i) => async () => {
    const isv = nth(plan.isvs, i);
    const door = nth(plan.doors, i);
    const refuse = i % 6 === 5;
    const features: FeatureFlag[] = refuse ? [GATED[operationOutside(isv.granted)].feature] : i % 4 === 0 ? [...isv.granted] : [nth(isv.granted, i)];
    const answer = await issuer.issueLimitedAccessToken(isv.subscriptionKey, { resourceId: door.armId, features });
    if (answer.status !== 200) {
      const code = String(answer.json<{ error?: { innererror?: { code?: string } } }>().error?.innererror?.code);
      ledger.refusedIssuances.push({ isvId: isv.id, resourceId: door.resourceId, requestedFeatures: features, status: answer.status, code });
      if (!refuse) ledger.surprises.push(`issuance ${i} (${isv.id}, ${features.join(',')}) answered ${answer.status}: ${answer.text}`);
      return;
    }
    const token = answer.text;
    ledger.issued.set(payloadOf(token).jti, { isvId: isv.id, resourceId: door.resourceId, features });
    if (refuse) ledger.surprises.push(`issuance ${i} (${isv.id}, ${features.join(',')}) was granted`);
    await use(token, isv.id, door, nth(features, 0), 200);
    if (i % 3 === 0) await use(token, isv.id, door, nth(features, features.length - 1), 200); // a token serves more than once
    if (i % 5 === 0) await use(token, isv.id, door, GATED[operationOutside(features)].feature, 403);
  });
  await inParallel(tasks, plan.concurrency);
  return ledger;
}
