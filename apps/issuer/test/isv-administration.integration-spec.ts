import { RevocationCache } from '@latchkey/access-guards';
import { IssuerModule, IsvAdministration, SubscriptionKeyAdministration } from '@latchkey/issuer/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { issuerSecretsEnv } from './support/issuer-under-test';

const CLIENT = '/subscriptions/dc4d27d9-ea49-4921-938f-7782a774e151/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/face-one';

/**
 * The operator's changes, observed where they matter: at issuance. Each
 * change must take effect on the next request of this instance (no stale
 * cache), and a revoked right to issue must arrive as an event.
 */
describeWithInfrastructure('ISV administration takes effect at issuance (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  let isvs: IsvAdministration;
  let keys: SubscriptionKeyAdministration;

  beforeAll(async () => {
    // A long cache TTL: only the explicit invalidation can make the changes visible in time.
    service = await startServiceUnderTest('issuer', IssuerModule, { env: { ...issuerSecretsEnv(), LATCHKEY_ISSUER_CACHE_TTL_MS: '60000' } });
    isvs = service.handle.app.get(IsvAdministration);
    keys = service.handle.app.get(SubscriptionKeyAdministration);
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function issue(key: string, featureFlags: string[] = ['Face.Verification']) {
    const response = await service.handle.app.inject({
      method: 'POST',
      url: '/sts/v1.0/issueLimitedAccessToken',
      headers: { 'content-type': 'application/json', 'ocp-apim-subscription-key': key },
      payload: JSON.stringify({ targetAzureResourceId: CLIENT, featureFlags }),
    });
    return { status: response.statusCode, inner: response.statusCode === 200 ? null : response.json<{ error: { innererror: { code: string } } }>().error.innererror.code };
  }

  it('a new ISV starts closed; approval and grants open it, one flag at a time', async () => {
    await isvs.create({ id: 'isv-lifecycle', displayName: 'Lifecycle' });
    const { subscriptionKey } = await keys.issue('isv-lifecycle', 1);

    expect(await issue(subscriptionKey)).toEqual({ status: 403, inner: 'IsvNotApproved' });
    await isvs.approve('isv-lifecycle');
    expect(await issue(subscriptionKey)).toEqual({ status: 403, inner: 'FeatureNotGrantedToIsv' });
    await isvs.grant('isv-lifecycle', 'Face.Verification');
    expect(await issue(subscriptionKey)).toEqual({ status: 200, inner: null });
    expect(await issue(subscriptionKey, ['Face.Verification', 'Face.Identification'])).toEqual({ status: 403, inner: 'FeatureNotGrantedToIsv' });

    await isvs.revokeFeature('isv-lifecycle', 'Face.Verification');
    expect(await issue(subscriptionKey)).toEqual({ status: 403, inner: 'FeatureNotGrantedToIsv' });
    await isvs.grant('isv-lifecycle', 'Face.Verification');
    await isvs.unapprove('isv-lifecycle');
    expect(await issue(subscriptionKey)).toEqual({ status: 403, inner: 'IsvNotApproved' });
  });

  it('two key slots: rotating one slot retires only its old key, and the other slot keeps working', async () => {
    await isvs.create({ id: 'isv-rotation', displayName: 'Rotation' });
    await isvs.grant('isv-rotation', 'Face.Verification');
    await isvs.approve('isv-rotation');
    const key1 = await keys.issue('isv-rotation', 1);
    const key2 = await keys.issue('isv-rotation', 2);
    expect(await issue(key1.subscriptionKey)).toMatchObject({ status: 200 });
    expect(await issue(key2.subscriptionKey)).toMatchObject({ status: 200 });

    const rotated = await keys.issue('isv-rotation', 1);
    expect(rotated.replacedKeyId).toBe(key1.keyId);
    expect(await issue(key1.subscriptionKey)).toEqual({ status: 401, inner: 'SubscriptionKeyInvalid' });
    expect(await issue(rotated.subscriptionKey)).toMatchObject({ status: 200 });
    expect(await issue(key2.subscriptionKey)).toMatchObject({ status: 200 });

    await keys.revoke('isv-rotation', 2);
    expect(await issue(key2.subscriptionKey)).toEqual({ status: 401, inner: 'SubscriptionKeyInvalid' });
    expect((await keys.list('isv-rotation')).map((k) => ({ slot: k.slot, hint: k.hint }))).toEqual([{ slot: 1, hint: rotated.subscriptionKey.slice(-4) }]);
    // The listing never shows a key, only its hint.
    expect(JSON.stringify(await keys.list('isv-rotation'))).not.toContain(rotated.subscriptionKey);
  });

  it('revoking the right to issue refuses at once via access.revocation; reinstating keeps the watermark', async () => {
    await isvs.create({ id: 'isv-right', displayName: 'Right' });
    await isvs.grant('isv-right', 'Face.Verification');
    await isvs.approve('isv-right');
    const { subscriptionKey } = await keys.issue('isv-right', 1);
    expect(await issue(subscriptionKey)).toMatchObject({ status: 200 });

    const revoked = await isvs.setIssuingRight('isv-right', 'revoke', 'ADMIN.CONTRACT_ENDED', 'operator:test');
    const cache = service.handle.app.get(RevocationCache);
    await eventually(() => cache.blocks([{ kind: 'isv', isvId: 'isv-right' }]), { timeoutMs: 30000, what: 'revocation applied' });
    expect(await issue(subscriptionKey)).toEqual({ status: 403, inner: 'IsvRevoked' });

    const reinstated = await isvs.setIssuingRight('isv-right', 'reinstate', 'ADMIN.RESOLVED', 'operator:test');
    expect(reinstated.notBefore).toBe(revoked.notBefore);
    await eventually(() => !cache.blocks([{ kind: 'isv', isvId: 'isv-right' }]), { timeoutMs: 30000, what: 'reinstatement applied' });
    expect(await issue(subscriptionKey)).toMatchObject({ status: 200 });
  });

  it('refuses bad operator input with specific codes', async () => {
    await expect(isvs.create({ id: 'Bad Id', displayName: 'x' })).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
    await expect(isvs.create({ id: 'isv-res', displayName: 'x', resourceId: '/subscriptions/nope' })).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
    await isvs.create({ id: 'isv-twice', displayName: 'x' });
    await expect(isvs.create({ id: 'isv-twice', displayName: 'y' })).rejects.toMatchObject({ code: 'ISSUER.ADMIN_ISV_EXISTS' });
    await expect(isvs.grant('isv-twice', 'face.verification')).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
    await expect(isvs.approve('isv-nobody')).rejects.toMatchObject({ code: 'ISSUER.ADMIN_ISV_NOT_FOUND' });
    await expect(keys.issue('isv-twice', 3)).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
    await expect(keys.issue('isv-nobody', 1)).rejects.toMatchObject({ code: 'ISSUER.ADMIN_ISV_NOT_FOUND' });
    await expect(keys.revoke('isv-twice', 1)).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
    await expect(isvs.setIssuingRight('isv-twice', 'revoke', 'because', 'op')).rejects.toMatchObject({ code: 'ISSUER.ADMIN_REQUEST_INVALID' });
  });
});
