import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { METRICS, prometheusName, renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import { parseScrape, type Scrape } from '@latchkey/testing';
import { lastValueFrom, of, throwError, timer, type Observable } from 'rxjs';
import { map } from 'rxjs/operators';
import { IssuanceMetricsInterceptor } from './issuance-metrics.interceptor';
import { IssuerError } from './issuer.errors';

const REQUESTS = prometheusName(METRICS.issuanceRequests);
const DURATION = prometheusName(METRICS.issuanceDuration);
const NO_CONTEXT = {} as ExecutionContext;

/** Runs one request through the interceptor: the handler answers (or fails) with `answer`. */
async function answer(interceptor: IssuanceMetricsInterceptor, handled: Observable<unknown>): Promise<void> {
  const handler: CallHandler = { handle: () => handled };
  await lastValueFrom(interceptor.intercept(NO_CONTEXT, handler)).catch(() => undefined);
}

const scrape = async (): Promise<Scrape> => parseScrape(await renderPrometheusMetrics());

describe(IssuanceMetricsInterceptor.name, () => {
  let interceptor: IssuanceMetricsInterceptor;

  beforeEach(() => {
    startTelemetry({ instrumentations: [] });
    // After the SDK started: instruments created before it stay no-op.
    interceptor = new IssuanceMetricsInterceptor();
  });
  afterEach(() => shutdownTelemetry());

  it('counts an issued token with reason none, and times it', async () => {
    await answer(interceptor, timer(25).pipe(map(() => 'header.payload.signature')));
    const metrics = await scrape();
    expect(metrics.samples(REQUESTS).map((s) => [s.labels, s.value])).toEqual([[expect.objectContaining({ outcome: 'issued', reason: 'none' }), 1]]);
    expect(metrics.total(`${DURATION}_count`, { outcome: 'issued' })).toBe(1);
    expect(metrics.total(`${DURATION}_sum`, { outcome: 'issued' })).toBeGreaterThanOrEqual(20);
  });

  it('labels every refusal with its innererror code, not the platform code', async () => {
    await answer(
      interceptor,
      throwError(() => new IssuerError('ISSUER.FEATURE_NOT_GRANTED', 'not granted')),
    );
    await answer(
      interceptor,
      throwError(() => new IssuerError('ISSUER.FEATURE_NOT_GRANTED', 'not granted')),
    );
    await answer(
      interceptor,
      throwError(() => new IssuerError('ISSUER.KEY_MISSING', 'no key')),
    );
    await answer(
      interceptor,
      throwError(() => new IssuerError('ISSUER.RATE_LIMITED', 'slow down', { retryAfterSeconds: 1 })),
    );
    const metrics = await scrape();
    expect(metrics.total(REQUESTS, { outcome: 'refused', reason: 'FeatureNotGrantedToIsv' })).toBe(2);
    expect(metrics.total(REQUESTS, { outcome: 'refused', reason: 'SubscriptionKeyMissing' })).toBe(1);
    expect(metrics.total(REQUESTS, { outcome: 'refused', reason: 'IsvRateLimited' })).toBe(1);
    expect(metrics.total(REQUESTS, { outcome: 'issued' })).toBe(0);
    expect(metrics.total(`${DURATION}_count`, { outcome: 'refused' })).toBe(4);
    expect(metrics.text).not.toMatch(/ISSUER\./);
  });

  it('labels a failure of ours with the 500 it is answered with', async () => {
    await answer(
      interceptor,
      throwError(() => new Error('connection terminated')),
    );
    const metrics = await scrape();
    expect(metrics.total(REQUESTS, { outcome: 'refused', reason: 'InternalServerError' })).toBe(1);
  });

  it('counts a granted dry run apart from issued tokens', async () => {
    await answer(interceptor, of({ dryRun: true, grant: {} }));
    const metrics = await scrape();
    expect(metrics.total(REQUESTS, { outcome: 'dry-run', reason: 'none' })).toBe(1);
    expect(metrics.total(REQUESTS, { outcome: 'issued' })).toBe(0);
    expect(metrics.total(`${DURATION}_count`, { outcome: 'dry-run' })).toBe(1);
  });

  it('passes the answer and the error through unchanged', async () => {
    const handler = (handled: Observable<unknown>): CallHandler => ({ handle: () => handled });
    await expect(lastValueFrom(interceptor.intercept(NO_CONTEXT, handler(of('jwt'))))).resolves.toBe('jwt');
    const refusal = new IssuerError('ISSUER.KEY_INVALID', 'bad key');
    await expect(lastValueFrom(interceptor.intercept(NO_CONTEXT, handler(throwError(() => refusal))))).rejects.toBe(refusal);
  });
});
