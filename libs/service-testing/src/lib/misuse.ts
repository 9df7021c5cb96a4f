import { performance } from 'node:perf_hooks';
import type { ClientResource, HttpAnswer } from './face-api-client';
import type { FaceApiProcess } from './face-api-process';

/** `error.innererror.code` of a refusal in the platform's Azure error shape (`TokenRevoked`...), if any. */
export function innerErrorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { innererror?: { code?: string } } }).error?.innererror?.code;
  } catch {
    return undefined;
  }
}

/** A token misused once, then used by its own client back to back until the face-api refused it as revoked. */
export interface MisuseToRefusal {
  /** Date.now() just before the misuse request was sent. */
  readonly misusedAt: number;
  /** Date.now() when the first 401 TokenRevoked arrived. */
  readonly refusedAt: number;
  /** From just before the misuse request to the first refusal received, on the monotonic clock. */
  readonly elapsedMs: number;
  /** Uses by the token's own client served after the misuse, before the refusal. */
  readonly servedMeanwhile: number;
}

const describeAnswer = (answer: HttpAnswer): string => `${answer.statusCode} ${innerErrorCode(answer.body) ?? ''}`.trim();

/**
 * The abuse scenario's measured step: presents `token` (issued for `own`) with `foreign`'s subscription key, which
 * the face-api must refuse (403 TokenForAnotherResource, `lat.rejected` LAT.WRONG_RESOURCE), then uses it at its
 * own client back to back until it is refused as revoked (401 TokenRevoked), which only an `access.revocation`
 * reaching the face-api can cause. Any other answer fails at once, naming its status and code (never the body).
 */
export async function misuseUntilRevoked(
  face: Pick<FaceApiProcess, 'gated'>,
  token: string,
  own: ClientResource,
  foreign: ClientResource,
  timeoutMs = 15_000,
): Promise<MisuseToRefusal> {
  const misusedAt = Date.now();
  const started = performance.now();
  const misuse = await face.gated('identify', foreign.subscriptionKey, token);
  if (misuse.statusCode !== 403 || innerErrorCode(misuse.body) !== 'TokenForAnotherResource') {
    throw new Error(`the misuse answered ${describeAnswer(misuse)}, not 403 TokenForAnotherResource`);
  }
  let servedMeanwhile = 0;
  while (performance.now() - started < timeoutMs) {
    const use = await face.gated('identify', own.subscriptionKey, token);
    if (use.statusCode === 401 && innerErrorCode(use.body) === 'TokenRevoked') {
      return { misusedAt, refusedAt: Date.now(), elapsedMs: performance.now() - started, servedMeanwhile };
    }
    if (use.statusCode !== 200) throw new Error(`a use by the token's own client answered ${describeAnswer(use)}`);
    servedMeanwhile += 1;
  }
  throw new Error(`the misused token was still served ${timeoutMs} ms after the misuse (${servedMeanwhile} uses)`);
}
