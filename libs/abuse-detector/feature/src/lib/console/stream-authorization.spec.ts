import { endReasonOf, StreamAuthorization, type StreamCredential, type StreamEndReason } from './stream-authorization';

const T0 = new Date('2026-03-01T12:00:00.000Z');

describe(StreamAuthorization.name, () => {
  let ends: StreamEndReason[];
  let refusal: string | undefined;
  let checks: number;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    ends = [];
    refusal = undefined;
    checks = 0;
  });
  afterEach(() => jest.useRealTimers());

  const credential = (expiresAt: Date | undefined): StreamCredential => ({
    expiresAt,
    recheck: async () => {
      checks += 1;
      return refusal;
    },
  });
  const started = (expiresAt: Date | undefined, options: { recheckMs?: number; maxLifetimeMs?: number } = {}) => {
    const authorization = new StreamAuthorization(credential(expiresAt), (reason) => ends.push(reason), { now: () => new Date(), ...options });
    authorization.start();
    return authorization;
  };

  it('ends the stream at the token’s expiry, to the millisecond, once', async () => {
    started(new Date(T0.getTime() + 12_345), { recheckMs: 60_000 });

    await jest.advanceTimersByTimeAsync(12_344);
    expect(ends).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ends).toEqual(['credential-expired']);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(ends).toEqual(['credential-expired']);
  });

  it('ends a stream whose credential has already expired at once', () => {
    started(new Date(T0.getTime() - 1));
    expect(ends).toEqual(['credential-expired']);
  });

  it('bounds a credential without expiry (the break-glass key) by the stream’s maximum lifetime', async () => {
    started(undefined, { maxLifetimeMs: 60_000, recheckMs: 10_000 });

    await jest.advanceTimersByTimeAsync(59_999);
    expect(ends).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(ends).toEqual(['lifetime']);
  });

  it('re-checks periodically and ends with the refusal’s reason at the first check that refuses', async () => {
    started(new Date(T0.getTime() + 3_600_000), { recheckMs: 5_000 });

    await jest.advanceTimersByTimeAsync(10_000);
    expect({ checks, ends }).toEqual({ checks: 2, ends: [] });
    refusal = 'RBAC.PERMISSION_DENIED';
    await jest.advanceTimersByTimeAsync(5_000);
    expect({ checks, ends }).toEqual({ checks: 3, ends: ['permission-missing'] });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(checks).toBe(3);
  });

  it('fails closed: a re-check that throws ends the stream as unavailable', async () => {
    const authorization = new StreamAuthorization(
      {
        expiresAt: undefined,
        recheck: () => Promise.reject(new Error('decision API down')),
      },
      (reason) => ends.push(reason),
      { now: () => new Date() },
    );
    authorization.start();

    await authorization.check();

    expect(ends).toEqual(['authorization-unavailable']);
  });

  it('stops every timer when the stream ends for another reason', async () => {
    const authorization = started(new Date(T0.getTime() + 10_000), { recheckMs: 1_000 });
    authorization.stop();

    await jest.advanceTimersByTimeAsync(60_000);

    expect({ checks, ends }).toEqual({ checks: 0, ends: [] });
  });

  it('names the reason of each refusal code', () => {
    expect(
      [
        'RBAC.TOKEN_EXPIRED',
        'RBAC.TOKEN_REVOKED',
        'RBAC.PERMISSION_DENIED',
        'RBAC.SCOPE_MISSING',
        'RBAC.DECISION_UNAVAILABLE',
        'ABUSE.ADMIN_CREDENTIAL_INVALID',
      ].map(endReasonOf),
    ).toEqual([
      'credential-expired',
      'credential-revoked',
      'permission-missing',
      'permission-missing',
      'authorization-unavailable',
      'credential-invalid',
    ]);
  });
});
