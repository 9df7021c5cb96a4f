import { randomUUID } from 'node:crypto';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DemoGallery, FaceApiModule, identityOf, SeedDemoClientResourceUseCase } from '@latchkey/face-api/feature';
import { startServiceUnderTest, type ServiceUnderTest } from '@latchkey/service-testing';
import { describeWithInfrastructure } from '@latchkey/testing';
import { expectRefusal, httpClient, type InjectedResponse, type WireError } from './support/face-api-client';
import { LocalTokenIssuer } from './support/local-token-issuer';

/** The vendor's exact 401 message (WIRE.md §2). */
const ACCESS_DENIED =
  'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

interface Face {
  faceId: string;
  faceRectangle: { top: number; left: number; width: number; height: number };
}

const gallery = new DemoGallery();
const ALICE = gallery.persons('personGroup', 'demo-group')?.[0]?.personId ?? '';
const ERIN = gallery.persons('largePersonGroup', 'demo-large-group')?.[0]?.personId ?? '';
const LISTED_FACE = gallery.persistedFaces('faceList', 'demo-face-list')?.[0] ?? '';

/**
 * The vendor-compatible Face surface, as a client sees it: the resource's
 * own key on every call, the vendor's bodies and errors. The gated
 * operations carry a limited access token with every feature, signed by a
 * local stand-in issuer (token-use.integration-spec.ts covers the guard
 * against the real issuer).
 */
describeWithInfrastructure('face-api Face operations over HTTP (real PostgreSQL and Kafka)', () => {
  let service: ServiceUnderTest;
  let key: string;
  let token: string;
  const issuer = new LocalTokenIssuer();
  const call = httpClient(() => service);
  const face = (path: string, body: unknown, headers: Record<string, string> = { 'ocp-apim-subscription-key': key, limitedaccesstoken: `Bearer ${token}` }) =>
    call('POST', `/face/v1.0/${path}`, { body, headers });

  /** A face (detected over HTTP) showing the same person as `id`. */
  async function faceLike(id: string, skip = 0): Promise<string> {
    let found = 0;
    for (let i = 0; i < 500; i++) {
      const faces = (await face('detect', { url: `https://images.example.com/people/${i}.jpg` })).json<Face[]>();
      for (const { faceId } of faces) if (identityOf(faceId) === identityOf(id) && found++ === skip) return faceId;
    }
    throw new Error('no face of that identity in 500 images');
  }

  beforeAll(async () => {
    service = await startServiceUnderTest('face-api', FaceApiModule, { env: await issuer.start() });
    const seeded = await service.handle.app.get(SeedDemoClientResourceUseCase).execute();
    key = seeded.subscriptionKey ?? '';
    token = await issuer.mint(seeded.resourceId);
  });

  afterAll(async () => {
    await service?.stop();
    await issuer.stop();
  });

  describe('detect', () => {
    it('answers 1 to 3 faces with stable ids and rectangles, largest first, as JSON', async () => {
      const first = await face('detect', { url: 'https://images.example.com/team.jpg' });
      expect(first.statusCode).toBe(200);
      expect(first.headers['content-type']).toMatch(/^application\/json/);
      const faces = first.json<Face[]>();
      expect(faces.length).toBeGreaterThanOrEqual(1);
      expect(faces.length).toBeLessThanOrEqual(3);
      for (const f of faces) {
        expect(f).toEqual({
          faceId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          faceRectangle: { top: expect.any(Number), left: expect.any(Number), width: expect.any(Number), height: expect.any(Number) },
        });
      }
      expect((await face('detect', { url: 'https://images.example.com/team.jpg' })).json()).toEqual(faces);
    });

    it('ignores query parameters and body fields it does not know, as the vendor does', async () => {
      const plain = (await face('detect', { url: 'https://images.example.com/a.jpg' })).json<Face[]>();
      const extra = await call('POST', '/face/v1.0/detect?returnFaceId=true&detectionModel=detection_03', {
        body: { url: 'https://images.example.com/a.jpg', returnFaceLandmarks: true },
        headers: { 'ocp-apim-subscription-key': key },
      });
      expect({ status: extra.statusCode, body: extra.json() }).toEqual({ status: 200, body: plain });
    });
  });

  describe('identify', () => {
    it('identifies a face among the persons of a person group, one candidate by default', async () => {
      const faceId = await faceLike(ALICE);
      const response = await face('identify', { faceIds: [faceId], personGroupId: 'demo-group' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual([{ faceId, candidates: [{ personId: ALICE, confidence: expect.any(Number) }] }]);
    });

    it('ranks up to maxNumOfCandidatesReturned persons above confidenceThreshold, in a large person group too', async () => {
      const faceId = await faceLike(ERIN);
      const response = await face('identify', { faceIds: [faceId], largePersonGroupId: 'demo-large-group', maxNumOfCandidatesReturned: 3, confidenceThreshold: 0 });
      const [result] = response.json<{ faceId: string; candidates: { personId: string; confidence: number }[] }[]>();
      expect(result.candidates).toHaveLength(3);
      expect(result.candidates[0].personId).toBe(ERIN);
      const confidences = result.candidates.map((c) => c.confidence);
      expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    });
  });

  describe('verify', () => {
    it('verifies two faces of one person, and a face against an enrolled person', async () => {
      const [a, b] = [await faceLike(ALICE), await faceLike(ALICE, 1)];
      const faces = await face('verify', { faceId1: a, faceId2: b });
      expect({ status: faces.statusCode, body: faces.json() }).toEqual({ status: 200, body: { isIdentical: true, confidence: expect.any(Number) } });
      const person = await face('verify', { faceId: a, personId: ALICE, personGroupId: 'demo-group' });
      expect(person.json<{ isIdentical: boolean; confidence: number }>()).toMatchObject({ isIdentical: true });
      const other = await face('verify', { faceId: await faceLike(ERIN), personId: ALICE, personGroupId: 'demo-group' });
      expect(other.json<{ isIdentical: boolean; confidence: number }>()).toMatchObject({ isIdentical: false });
    });
  });

  describe('findsimilars (the HighRisk-gated operation)', () => {
    it('finds the same person in a face list, and ranks every face in matchFace mode', async () => {
      const faceId = await faceLike(LISTED_FACE);
      const matchPerson = await face('findsimilars', { faceId, faceListId: 'demo-face-list' });
      expect(matchPerson.statusCode).toBe(200);
      expect(matchPerson.json()).toContainEqual({ persistedFaceId: LISTED_FACE, confidence: expect.any(Number) });
      const matchFace = await face('findsimilars', { faceId, largeFaceListId: 'demo-large-face-list', mode: 'matchFace', maxNumOfCandidatesReturned: 3 });
      expect(matchFace.json<unknown[]>()).toHaveLength(3);
    });

    it('compares against candidate face ids', async () => {
      const faceId = await faceLike(ALICE);
      const response = await face('findsimilars', { faceId, faceIds: [faceId, await faceLike(ERIN)] });
      expect(response.json()).toEqual([{ faceId, confidence: 1 }]);
    });
  });

  describe('the client resource key', () => {
    const routes: readonly [string, unknown][] = [
      ['detect', { url: 'https://images.example.com/a.jpg' }],
      ['identify', { faceIds: [randomUUID()], personGroupId: 'demo-group' }],
      ['verify', { faceId1: randomUUID(), faceId2: randomUUID() }],
      ['findsimilars', { faceId: randomUUID(), faceListId: 'demo-face-list' }],
    ];

    it.each([
      ['without Ocp-Apim-Subscription-Key', {}, 'SubscriptionKeyMissing'],
      ['with an empty key', { 'ocp-apim-subscription-key': '' }, 'SubscriptionKeyMissing'],
      ['with a key no resource holds', { 'ocp-apim-subscription-key': `lk_cli_${randomUUID()}` }, 'SubscriptionKeyInvalid'],
      ['with the key in Authorization', { authorization: 'Bearer KEY' }, 'SubscriptionKeyMissing'],
    ])('refuses every route %s with the vendor 401, before validating anything', async (_case, headers, inner) => {
      const headersWithKey = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, value.replace('KEY', key)]));
      for (const [path, body] of [...routes, ['identify', { nonsense: true }] as const]) {
        const response = await face(path, body, headersWithKey);
        const refused = expectRefusal(response, 401, '401', inner, [key]);
        expect(refused.error.message).toBe(ACCESS_DENIED);
      }
    });

    it('answers the vendor body exactly: code "401" as a string, its message, and the inner rule', async () => {
      const response = await face('detect', { url: 'https://images.example.com/a.jpg' }, {});
      expect(response.json()).toEqual({
        error: { code: '401', message: ACCESS_DENIED, innererror: { code: 'SubscriptionKeyMissing', message: 'The Ocp-Apim-Subscription-Key header is missing.' } },
      });
    });
  });

  describe('validation, as the vendor answers it', () => {
    const FACE = 'placeholder'; // replaced by a detected face id before use
    const cases: readonly [string, string, unknown, number, string, string][] = [
      ['detect', 'a body that is not a JSON object', [], 400, 'BadArgument', 'InvalidRequestBody'],
      ['detect', 'no url', {}, 400, 'InvalidURL', 'InvalidImageUrl'],
      ['detect', 'a relative url', { url: '/a.jpg' }, 400, 'InvalidURL', 'InvalidImageUrl'],
      ['detect', 'a file url', { url: 'file:///etc/passwd' }, 400, 'InvalidURL', 'InvalidImageUrl'],
      ['identify', 'no faceIds', { personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidFaceIdsLength'],
      ['identify', 'empty faceIds', { faceIds: [], personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidFaceIdsLength'],
      ['identify', '11 faceIds', { faceIds: Array(11).fill(FACE), personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidFaceIdsLength'],
      ['identify', 'a face id that is not a GUID', { faceIds: ['face-1'], personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidFaceId'],
      ['identify', 'a bad person group id', { faceIds: [FACE], personGroupId: 'Demo Group' }, 400, 'BadArgument', 'InvalidPersonGroupId'],
      ['identify', 'a bad large person group id', { faceIds: [FACE], largePersonGroupId: 'x'.repeat(65) }, 400, 'BadArgument', 'InvalidLargePersonGroupId'],
      ['identify', 'both group ids', { faceIds: [FACE], personGroupId: 'demo-group', largePersonGroupId: 'demo-large-group' }, 400, 'PersonGroupIdAndLargePersonGroupIdBothNotNull', 'BothPersonGroupIdsSet'],
      ['identify', 'no group id', { faceIds: [FACE] }, 400, 'PersonGroupIdAndLargePersonGroupIdBothNull', 'NoPersonGroupId'],
      ['identify', '0 candidates', { faceIds: [FACE], personGroupId: 'demo-group', maxNumOfCandidatesReturned: 0 }, 400, 'BadArgument', 'InvalidMaxNumOfCandidatesReturned'],
      ['identify', '101 candidates', { faceIds: [FACE], personGroupId: 'demo-group', maxNumOfCandidatesReturned: 101 }, 400, 'BadArgument', 'InvalidMaxNumOfCandidatesReturned'],
      ['identify', 'a threshold above 1', { faceIds: [FACE], personGroupId: 'demo-group', confidenceThreshold: 1.5 }, 400, 'BadArgument', 'InvalidConfidenceThreshold'],
      ['identify', 'a negative threshold', { faceIds: [FACE], personGroupId: 'demo-group', confidenceThreshold: -1 }, 400, 'BadArgument', 'InvalidConfidenceThreshold'],
      ['identify', 'an unknown person group', { faceIds: [FACE], personGroupId: 'nobody' }, 400, 'PersonGroupNotFound', 'PersonGroupNotFound'],
      ['identify', 'an unknown large person group', { faceIds: [FACE], largePersonGroupId: 'demo-group' }, 400, 'LargePersonGroupNotFound', 'LargePersonGroupNotFound'],
      ['identify', 'a face id detect never returned', { faceIds: [randomUUID()], personGroupId: 'demo-group' }, 400, 'FaceNotFound', 'FaceIdNotFound'],
      ['verify', 'neither form', {}, 400, 'BadArgument', 'InvalidRequestBody'],
      ['verify', 'both forms', { faceId1: FACE, faceId2: FACE, faceId: FACE, personId: ALICE, personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidRequestBody'],
      ['verify', 'faceId2 missing', { faceId1: FACE }, 400, 'BadArgument', 'InvalidFaceId'],
      ['verify', 'a personId that is not a GUID', { faceId: FACE, personId: 'alice', personGroupId: 'demo-group' }, 400, 'BadArgument', 'InvalidPersonId'],
      ['verify', 'no group id', { faceId: FACE, personId: ALICE }, 400, 'PersonGroupIdAndLargePersonGroupIdBothNull', 'NoPersonGroupId'],
      ['verify', 'both group ids', { faceId: FACE, personId: ALICE, personGroupId: 'a', largePersonGroupId: 'b' }, 400, 'PersonGroupIdAndLargePersonGroupIdBothNotNull', 'BothPersonGroupIdsSet'],
      ['verify', 'an unknown person group', { faceId: FACE, personId: ALICE, personGroupId: 'nobody' }, 400, 'PersonGroupNotFound', 'PersonGroupNotFound'],
      ['verify', 'a person not in the group', { faceId: FACE, personId: ERIN, personGroupId: 'demo-group' }, 404, 'PersonNotFound', 'PersonNotFound'],
      ['verify', 'a face id detect never returned', { faceId1: FACE, faceId2: randomUUID() }, 404, 'FaceNotFound', 'VerifyFaceIdNotFound'],
      ['findsimilars', 'no faceId', { faceListId: 'demo-face-list' }, 400, 'BadArgument', 'InvalidFaceId'],
      ['findsimilars', 'a bad face list id', { faceId: FACE, faceListId: 'Demo' }, 400, 'BadArgument', 'InvalidFaceListId'],
      ['findsimilars', 'a bad large face list id', { faceId: FACE, largeFaceListId: 'a b' }, 400, 'BadArgument', 'InvalidLargeFaceListId'],
      ['findsimilars', '1001 candidate faces', { faceId: FACE, faceIds: Array(1001).fill(FACE) }, 400, 'BadArgument', 'InvalidFaceIdsLength'],
      ['findsimilars', '1001 candidates returned', { faceId: FACE, faceListId: 'demo-face-list', maxNumOfCandidatesReturned: 1001 }, 400, 'BadArgument', 'InvalidMaxNumOfCandidatesReturned'],
      ['findsimilars', 'an unknown mode', { faceId: FACE, faceListId: 'demo-face-list', mode: 'matchEverything' }, 400, 'BadArgument', 'InvalidMode'],
      ['findsimilars', 'two candidate sources', { faceId: FACE, faceListId: 'demo-face-list', faceIds: [FACE] }, 400, 'BadArgument', 'SeveralCandidateSources'],
      ['findsimilars', 'no candidate source', { faceId: FACE }, 400, 'BadArgument', 'NoCandidateSource'],
      ['findsimilars', 'an unknown face list', { faceId: FACE, faceListId: 'nobody' }, 400, 'FaceListNotFound', 'FaceListNotFound'],
      ['findsimilars', 'an unknown large face list', { faceId: FACE, largeFaceListId: 'nobody' }, 400, 'LargeFaceListNotFound', 'LargeFaceListNotFound'],
      ['findsimilars', 'a query face detect never returned', { faceId: randomUUID(), faceListId: 'demo-face-list' }, 400, 'FaceNotFound', 'FaceIdNotFound'],
    ];

    const named = cases.map(([path, what, body, status, code, inner]) => ({ path, what, body, status, code, inner }));

    it.each(named)('$path refuses $what: $status $code ($inner), with x-ms-error-code', async ({ path, body, status, code, inner }) => {
      const detected = (await face('detect', { url: 'https://images.example.com/validation.jpg' })).json<Face[]>()[0].faceId;
      const withFace = JSON.parse(JSON.stringify(body).replaceAll(`"${FACE}"`, `"${detected}"`)) as unknown;
      const response: InjectedResponse = await face(path, withFace);
      const refused: WireError = expectRefusal(response, status, code, inner, [key, 'validation.jpg', 'Demo Group', 'matchEverything']);
      expect(refused.error.innererror?.message).toMatch(/\S/);
    });

    it("answers malformed JSON with the vendor's BadArgument", async () => {
      const response = await call('POST', '/face/v1.0/identify', { rawBody: '{"faceIds": [', headers: { 'ocp-apim-subscription-key': key } });
      expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 400, body: { error: { code: 'BadArgument', message: 'JSON parsing error.' } } });
    });

    it('refuses a form with 415 Invalid Media Type. (a repeated field would pass for an array), on the admin API too', async () => {
      const identify = await call('POST', '/face/v1.0/identify', {
        rawBody: `faceIds=${FACE}&faceIds=${FACE}&personGroupId=demo-group`,
        headers: { 'ocp-apim-subscription-key': key, limitedaccesstoken: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      });
      const admin = await call('POST', '/admin/v1/client-resources', {
        rawBody: 'resourceId=a&resourceId=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      for (const response of [identify, admin]) {
        expect({ status: response.statusCode, body: response.json() }).toEqual({
          status: 415,
          body: { error: { code: 'BadArgument', message: 'Invalid Media Type.' } },
        });
      }
    });
  });

  it('describes the Face routes in OpenAPI, each with its key header', async () => {
    const document = (await call('GET', '/docs/json')).json<OpenAPIObject>();
    const paths = Object.keys(document.paths).filter((path) => path.startsWith('/face/'));
    expect(paths.sort()).toEqual(['/face/v1.0/detect', '/face/v1.0/findsimilars', '/face/v1.0/identify', '/face/v1.0/verify']);
    for (const path of paths) {
      expect(document.paths[path].post?.parameters).toContainEqual(expect.objectContaining({ name: 'Ocp-Apim-Subscription-Key', in: 'header' }));
    }
  });

  it('never logs a subscription key', () => {
    expect(JSON.stringify(service.logs)).not.toContain(key);
  });
});
