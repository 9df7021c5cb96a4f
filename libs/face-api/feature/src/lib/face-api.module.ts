import { Module } from '@nestjs/common';
import { RevocationModule } from '@latchkey/access-guards';
import { ClientResourceRepository, FACE_API_MIGRATIONS, FACE_API_SCHEMA } from '@latchkey/face-api/data-access';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import { SeedDemoClientResourceUseCase } from './seed-demo-client-resource.use-case';

/**
 * The reference resource server. The gated operations and the
 * LimitedAccessToken guard arrive with the token-use issue; this module owns
 * the client resources and keeps the revocation watermarks current.
 */
@Module({
  imports: [
    PersistenceModule.forService({ schema: FACE_API_SCHEMA, migrationsFolder: FACE_API_MIGRATIONS }),
    MessagingModule.forService({ service: 'face-api', outbox: { schema: FACE_API_SCHEMA, database: Database } }),
    RevocationModule.forService('face-api'),
  ],
  providers: [ClientResourceRepository, SeedDemoClientResourceUseCase],
  exports: [SeedDemoClientResourceUseCase],
})
export class FaceApiModule {}
