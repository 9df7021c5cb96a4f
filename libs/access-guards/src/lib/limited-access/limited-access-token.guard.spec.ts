import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigOf } from '@latchkey/config';
import type { LimitedAccessTokenClaims } from '@latchkey/contracts';
import { parseScrape } from '@latchkey/testing';
import { renderPrometheusMetrics, shutdownTelemetry, startTelemetry } from '@latchkey/telemetry';
import type { GatedUseRecorder } from './gated-use-recorder';
import { LatError } from './lat-error';
import type { limitedAccessConfig } from './limited-access.config';
import { LimitedAccessTokenGuard } from './limited-access-token.guard';
import type { AcceptedToken, LimitedAccessTokenVerifier } from './limited-access-token.verifier';
import { RequiresFeature } from './requires-feature.decorator';

const RESOURCE = '/subscriptions/0b5c1a3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/face';
const USES = 'latchkey_token_use_requests_total';

class FaceProbe {
  @RequiresFeature('Face.Identification', 'face.identify')
  identify(): string {
    return 'identified';
  }

  @RequiresFeature('Face.Verification', 'face.verify')
  verify(): string {
    return 'verified';
  }
}

const accepted: AcceptedToken = {
  kid: 'kid-1',
  claims: { jti: 'jti-1', isv: 'isv-a', aud: RESOURCE, features: ['Face.Identification'] } as unknown as LimitedAccessTokenClaims,
};

/** A gated request to `handler` of FaceProbe, as Nest hands it to the guard. */
function gatedRequest(handler: 'identify' | 'verify'): ExecutionContext {
  const request = { headers: { 'user-agent': 'spec' }, method: 'POST', url: `/face/v1.0/${handler}`, ip: '127.0.0.1' } as unknown as FastifyRequest;
  const reply = { header: jest.fn() } as unknown as FastifyReply;
  return {
    getHandler: () => FaceProbe.prototype[handler],
    getClass: () => FaceProbe,
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

describe(`${LimitedAccessTokenGuard.name} metrics`, () => {
  let verify: jest.Mock<Promise<AcceptedToken>, []>;
  let served: jest.Mock<Promise<void>, []>;
  let guard: LimitedAccessTokenGuard;

  beforeAll(() => startTelemetry({ instrumentations: [] }));
  afterAll(() => shutdownTelemetry());

  beforeEach(() => {
    verify = jest.fn(async () => accepted);
    served = jest.fn(async () => undefined);
    const recorder: GatedUseRecorder = { served, refused: jest.fn() };
    // Built after the SDK started, as Nest builds it in a service.
    guard = new LimitedAccessTokenGuard(
      new Reflector(),
      { verify } as unknown as LimitedAccessTokenVerifier,
      { resourceOf: async () => RESOURCE },
      recorder,
      { LATCHKEY_RESOURCE_SERVER_URL: 'https://face.example.test' } as ConfigOf<typeof limitedAccessConfig>,
    );
  });

  const uses = async () => parseScrape(await renderPrometheusMetrics());

  it('counts a served use as served, reason none, under the operation’s feature', async () => {
    const before = await uses();

    await expect(guard.canActivate(gatedRequest('identify'))).resolves.toBe(true);

    const after = await uses();
    const labels = { outcome: 'served', reason: 'none', feature: 'Face.Identification' };
    expect(after.total(USES, labels) - before.total(USES, labels)).toBe(1);
    expect(after.total(USES, { outcome: 'refused' })).toBe(before.total(USES, { outcome: 'refused' }));
  });

  it.each([
    ['LAT.REVOKED', 'TokenRevoked'],
    ['LAT.FEATURE_MISSING', 'FeatureNotInToken'],
    ['LAT.REVOCATION_STALE', 'RevocationStateStale'],
  ] as const)('counts a refusal %s under the innererror code the client sees (%s)', async (code, inner) => {
    verify.mockRejectedValue(new LatError(code, 'refused', { jti: 'jti-1', isvId: 'isv-a' }));
    const before = await uses();

    await expect(guard.canActivate(gatedRequest('verify'))).rejects.toThrow(LatError);

    const after = await uses();
    const labels = { outcome: 'refused', reason: inner, feature: 'Face.Verification' };
    expect(after.total(USES, labels) - before.total(USES, labels)).toBe(1);
    expect(after.total(USES, { outcome: 'served' })).toBe(before.total(USES, { outcome: 'served' }));
    // Bounded labels only: nothing the token claimed.
    expect(after.text).not.toContain('jti-1');
    expect(after.text).not.toContain('isv-a');
  });

  it('counts a use that cannot be recorded as refused (UseNotRecordable), never as served', async () => {
    served.mockRejectedValue(new Error('bus down, spool full'));
    const before = await uses();

    await expect(guard.canActivate(gatedRequest('identify'))).rejects.toThrow(LatError);

    const after = await uses();
    const refused = { outcome: 'refused', reason: 'UseNotRecordable', feature: 'Face.Identification' };
    expect(after.total(USES, refused) - before.total(USES, refused)).toBe(1);
    expect(after.total(USES, { outcome: 'served' })).toBe(before.total(USES, { outcome: 'served' }));
  });
});
