export { FaceApiModule } from './lib/face-api.module';
export { faceApiConfig } from './lib/face-api.config';
export { SeedDemoClientResourceUseCase, DEMO_CLIENT_RESOURCE_ID } from './lib/seed-demo-client-resource.use-case';

// What the LimitedAccessToken guard needs: which resource a request is for, and which feature an operation requires.
export {
  attachClientResource,
  clientResourceOf,
  type AuthenticatedClientResource,
  type ClientResourceResolver,
  type RequestWithClientResource,
} from './lib/client-resource/authenticated-client-resource';
export { ClientResourceDirectory } from './lib/client-resource/client-resource-directory';
export { ClientResourceKeyGuard, SUBSCRIPTION_KEY_HEADER } from './lib/client-resource/client-resource-key.guard';
export {
  FACE_OPERATION_FEATURES,
  FACE_OPERATION_KEY,
  FaceOperation,
  faceOperationOf,
  requiredFeature,
  type FaceOperationName,
} from './lib/face/face-operation';

// The deterministic stand-in, for tests that need faces of a known identity.
export { detectedFaceId } from './lib/face/matching/face-id';
export { identityOf, similarity, SAME_PERSON_THRESHOLD } from './lib/face/matching/similarity';
export { DemoGallery } from './lib/face/matching/demo-gallery';
