import { randomUUID } from 'node:crypto';
import { AccessRevocationV1, type RevocationSubject } from '@latchkey/contracts';
import { describeWithInfrastructure, eventually } from '@latchkey/testing';
import { expectLatRefusal, GatedFaceApi, type ClientResource, type HttpAnswer } from './support/gated-face-api';
import { IssuerProcess, type OnboardedIsv } from './support/issuer-process';
import { decodeJws } from './support/jwt-forgery';

const ISSUER_URL = 'https://sts.token-use.test';
/** Revocations travel issuer outbox → Kafka → every verifier's feed: about a second, given slack for a loaded machine. */
const PROPAGATION = { timeoutMs: 30_000 };

const refusedAsRevoked = (answer: HttpAnswer): boolean => answer.statusCode === 401 && answer.body.includes('"TokenRevoked"');

/**
 * Revocation as it happens in production: the operator acts on the issuer's admin API (or another service
 * publishes `access.revocation`), the record reaches the face-api over Kafka, and tokens issued before its
 * watermark are refused from then on, 401 TokenRevoked, while tokens outside its subject keep working.
 */
describeWithInfrastructure('LimitedAccessToken revocation at the face-api, through the real issuer process and Kafka', () => {
  let issuer: IssuerProcess;
  let face: GatedFaceApi;
  let a: ClientResource;
  let b: ClientResource;
  let isv: OnboardedIsv;

  const mint = (who: OnboardedIsv, resource: ClientResource) =>
    issuer.mint(who.subscriptionKey, { resourceId: resource.armId, features: ['Face.Identification'] });
  const identify = (resource: ClientResource, token: string) => face.gated('identify', resource.subscriptionKey, token);
  const expectRevoked = async (resource: ClientResource, token: string) =>
    expectLatRefusal(await identify(resource, token), 401, 'Unauthorized', 'TokenRevoked', [token, resource.subscriptionKey]);
  const revoke = (subject: RevocationSubject) =>
    face.service.bus.publish(AccessRevocationV1, {
      subject,
      notBefore: new Date().toISOString(),
      action: 'revoke',
      reason: 'ABUSE.TOKEN_USE_TEST',
      alertId: null,
      actor: 'rule:token-use-e2e',
    });

  beforeAll(async () => {
    issuer = await IssuerProcess.start(ISSUER_URL);
    face = await GatedFaceApi.start(issuer);
    [a, b, isv] = await Promise.all([
      face.createClientResource('door-a'),
      face.createClientResource('door-b'),
      issuer.onboardIsv(`isv-tu-${randomUUID().slice(0, 8)}`, ['Face.Identification']),
    ]);
  }, 120_000);

  afterAll(async () => {
    await face?.stop();
    if (issuer) expect(await issuer.stop()).toBe(0);
  });

  it("refuses an ISV's earlier tokens once the operator revokes its issuing right, and serves a token issued after the reinstatement", async () => {
    const revoked = await issuer.onboardIsv(`isv-tu-revoked-${randomUUID().slice(0, 8)}`, ['Face.Identification']);
    const [before, elsewhere] = [await mint(revoked, a), await mint(revoked, b)];
    expect((await identify(a, before)).statusCode).toBe(200);

    const { notBefore } = await issuer.admin<{ notBefore: string }>('POST', `/isvs/${revoked.id}/issuing-right/revoke`, 200, {
      reason: 'ADMIN.CONTRACT_ENDED',
    });
    // From the issuer's outbox over Kafka: nothing but the event tells the face-api.
    await eventually(async () => refusedAsRevoked(await identify(a, before)), { ...PROPAGATION, what: 'the ISV revocation applied' });
    await expectRevoked(a, before);
    await expectRevoked(b, elsewhere); // every client of the ISV
    // The issuer learns it from the same event: new issuance for the ISV is refused.
    await eventually(
      async () => {
        const answer = await issuer.issueLimitedAccessToken(revoked.subscriptionKey, { resourceId: a.armId, features: ['Face.Identification'] });
        return answer.status === 403 && answer.json<{ error: { innererror?: { code: string } } }>().error.innererror?.code === 'IsvRevoked';
      },
      { ...PROPAGATION, what: 'issuance refused with IsvRevoked' },
    );
    expect((await identify(a, await mint(isv, a))).statusCode).toBe(200); // another ISV is untouched

    await issuer.admin('POST', `/isvs/${revoked.id}/issuing-right/reinstate`, 200, { reason: 'ADMIN.RESOLVED' });
    // `iat` has whole seconds and the watermark milliseconds: a token stamped in the second of the revocation
    // cannot be told from one issued just before it, and is refused (the safe side). Issue past that second.
    const watermarkSecondOver = Math.ceil(Date.parse(notBefore) / 1000) * 1000;
    await eventually(() => Date.now() >= watermarkSecondOver, { what: 'the second of the watermark is over' });
    const after = await eventually(
      async () => {
        const answer = await issuer.issueLimitedAccessToken(revoked.subscriptionKey, { resourceId: a.armId, features: ['Face.Identification'] });
        return answer.status === 200 ? answer.text : false;
      },
      { ...PROPAGATION, what: 'issuance resumed after the reinstatement' },
    );
    expect((await identify(a, String(after))).statusCode).toBe(200);
    await expectRevoked(a, before); // a reinstatement revives no earlier token
  });

  it('refuses the tokens of one ISV client after an access.revocation for it, and only those', async () => {
    const [ofA, ofB] = [await mint(isv, a), await mint(isv, b)];
    expect((await identify(a, ofA)).statusCode).toBe(200);
    // In Azure's mixed case, as a rule would name it: subjects are compared in canonical form.
    await revoke({ kind: 'isv-client', isvId: isv.id, resourceId: a.armId });
    await eventually(async () => refusedAsRevoked(await identify(a, ofA)), { ...PROPAGATION, what: 'the ISV-client revocation applied' });
    await expectRevoked(a, ofA);
    expect((await identify(b, ofB)).statusCode).toBe(200);
  });

  it('refuses one token after an access.revocation of its jti, and only that token', async () => {
    const [doomed, sibling] = [await mint(isv, b), await mint(isv, b)];
    await revoke({ kind: 'jti', jti: String(decodeJws(doomed).payload['jti']) });
    await eventually(async () => refusedAsRevoked(await identify(b, doomed)), { ...PROPAGATION, what: 'the jti revocation applied' });
    await expectRevoked(b, doomed);
    expect((await identify(b, sibling)).statusCode).toBe(200);
  });

  // Last: retiring the signing key refuses every token of this file issued so far.
  it('refuses every token of a signing key the operator retires, drops the key from the JWKS, and serves tokens of the next key', async () => {
    const signed = await mint(isv, b);
    const kid = String(decodeJws(signed).header['kid']);
    expect(await issuer.signingKeys()).toContainEqual(expect.objectContaining({ kid, status: 'active' }));
    expect((await identify(b, signed)).statusCode).toBe(200);

    await issuer.admin('POST', `/signing-keys/${kid}/retire`, 202, { reason: 'ADMIN.KEY_COMPROMISED' });
    await eventually(async () => refusedAsRevoked(await identify(b, signed)), { ...PROPAGATION, what: 'the signing-key revocation applied' });
    await expectRevoked(b, signed);
    await eventually(async () => !(await issuer.jwks()).keys.some((k) => k.kid === kid), { ...PROPAGATION, what: 'the key gone from the JWKS' });

    const next = await mint(isv, b);
    expect(decodeJws(next).header['kid']).not.toBe(kid);
    // The face-api learns the new key from the JWKS when a token names it (at most once per cooldown).
    await eventually(async () => (await identify(b, next)).statusCode === 200, { ...PROPAGATION, what: 'a token of the new key served' });
  });
});
