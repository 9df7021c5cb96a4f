export { FaceApiModule } from './lib/face-api.module';
export { SeedDemoClientResourceUseCase, DEMO_CLIENT_RESOURCE_ID } from './lib/seed-demo-client-resource.use-case';
