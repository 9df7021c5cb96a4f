import { Module, type OnModuleInit } from '@nestjs/common';
import { GATED_RESOURCE_RESOLVER, LimitedAccessModule, OperatorKeyModule, type OperatorKeyCodes, RbacGuardModule } from '@latchkey/access-guards';
import { ConfigSliceModule } from '@latchkey/config';
import type { FaceAdminErrorCode } from '@latchkey/contracts';
import { ClientResourceRepository, FACE_API_MIGRATIONS, FACE_API_SCHEMA } from '@latchkey/face-api/data-access';
import { ErrorMappingRegistry, LoadSheddingModule } from '@latchkey/http';
import { MessagingModule, SpoolModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { ClientResourceAdminController } from './admin/client-resource-admin.controller';
import { ClientResourceAdministration } from './admin/client-resource-administration.use-case';
import { FACE_ADMIN_WIRE_ERRORS } from './admin/face-admin-wire-errors';
import { ClientResourceDirectory } from './client-resource/client-resource-directory';
import { ClientResourceKeyGuard } from './client-resource/client-resource-key.guard';
import { GatedClientResource } from './client-resource/gated-client-resource';
import { faceApiConfig } from './face-api.config';
import { FaceDetectionController } from './face/detection/face-detection.controller';
import { FaceDetector } from './face/detection/face-detector';
import { FACE_WIRE_ERRORS } from './face/face-wire-errors';
import { DemoGallery } from './face/matching/demo-gallery';
import { FaceMatcher } from './face/matching/face-matcher';
import { FaceRecognitionController } from './face/recognition/face-recognition.controller';
import { SeedDemoClientResourceUseCase } from './seed-demo-client-resource.use-case';

/**
 * The reference resource server: the vendor-compatible Face operations
 * (detect, and the gated identify, verify and findsimilars) for the client
 * resources it stores, each call authenticated by the resource's own
 * subscription key and, for the gated ones, a limited access token
 * (LimitedAccessModule: the guard, the issuer's keys, the revocation feed);
 * the operator's admin API for those resources.
 * The face matching is a deterministic stand-in: the product is the gate.
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(faceApiConfig),
    // Early global shedding: an overloaded instance answers 503 + Retry-After before verifying or recording anything.
    // Its requests are short and CPU-bound, so the in-flight cap never fills while the loop falls behind its sockets;
    // steering the loop under 95 % utilisation is what bounds the accepted p99 (docs/BENCHMARKS.md "Overload").
    LoadSheddingModule.forService({ maxEventLoopUtilizationPercent: 95 }),
    PersistenceModule.forService({ schema: FACE_API_SCHEMA, migrationsFolder: FACE_API_MIGRATIONS }),
    MessagingModule.forService({ service: 'face-api', outbox: { schema: FACE_API_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided by the rbac service.
    RbacGuardModule.forService({ service: 'face-api', gatesReadiness: false }),
    // Gated uses are recorded through the spooling publisher; the guard brings the revocation feed.
    SpoolModule.forService('face-api'),
    LimitedAccessModule.forService('face-api'),
    OperatorKeyModule.forService({
      service: 'face-api',
      slice: faceApiConfig,
      variable: 'LATCHKEY_FACE_API_OPERATOR_KEY',
      codes: {
        unauthenticated: 'FACE.ADMIN_UNAUTHENTICATED',
        invalid: 'FACE.ADMIN_CREDENTIAL_INVALID',
        disabled: 'FACE.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<FaceAdminErrorCode>,
    }),
  ],
  controllers: [FaceDetectionController, FaceRecognitionController, ClientResourceAdminController],
  providers: [
    ClientResourceRepository,
    ClientResourceDirectory,
    ClientResourceKeyGuard,
    { provide: GATED_RESOURCE_RESOLVER, useClass: GatedClientResource },
    DemoGallery,
    FaceDetector,
    FaceMatcher,
    ClientResourceAdministration,
    SeedDemoClientResourceUseCase,
  ],
  exports: [SeedDemoClientResourceUseCase, ClientResourceDirectory],
})
export class FaceApiModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(FACE_WIRE_ERRORS);
    this.errors.register(FACE_ADMIN_WIRE_ERRORS);
  }
}
