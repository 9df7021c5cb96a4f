import { Module, type OnModuleInit } from '@nestjs/common';
import { OperatorKeyModule, type OperatorKeyCodes, RbacGuardModule } from '@latchkey/access-guards';
import type { RbacAdminErrorCode } from '@latchkey/contracts';
import { ConfigSliceModule } from '@latchkey/config';
import { ErrorMappingRegistry } from '@latchkey/http';
import { MessagingModule } from '@latchkey/messaging';
import { Database, PersistenceModule } from '@latchkey/persistence';
import {
  EndpointRepository,
  PermissionRepository,
  PolicyVersionRepository,
  RBAC_MIGRATIONS,
  RBAC_SCHEMA,
  RoleRepository,
  SubjectRepository,
} from '@latchkey/rbac/data-access';
import { AssignmentAdministration } from './admin/assignment-administration.use-case';
import { PolicyAdministrators } from './admin/policy-administrators';
import { RBAC_ADMIN_WIRE_ERRORS } from './admin/rbac-admin-wire-errors';
import { RoleAdministration } from './admin/role-administration.use-case';
import { RolesAdminController } from './admin/roles-admin.controller';
import { SubjectsAdminController } from './admin/subjects-admin.controller';
import { DecisionsController } from './decisions/decisions.controller';
import { EndpointListBody } from './endpoints/endpoint-request.schema';
import { EndpointsController } from './endpoints/endpoints.controller';
import { RegisterEndpointsUseCase } from './endpoints/register-endpoints.use-case';
import { IdentityCreatedConsumer } from './identity-created.consumer';
import { PolicyChanges } from './policy/policy-changes';
import { PolicyEngine } from './policy/policy-engine';
import { rbacConfig } from './rbac.config';
import { SeedDemoApiUserUseCase } from './seed-demo-api-user.use-case';
import { SeedDemoOperatorUseCase } from './seed-demo-operator.use-case';
import { ServiceKeySecrets } from './service-keys/service-key-secrets';
import { ServiceKeyGuard } from './service-keys/service-key.guard';

/**
 * Roles, permissions, assignments and the endpoint registry; decisions with
 * Casbin; every change published as `rbac.changed`. The admin API takes
 * operators' internal access tokens (its own guard decides in-process) or
 * the break-glass operator key; the decision API and the endpoint registry,
 * called by services, take each service's own key (derived from
 * LATCHKEY_RBAC_SERVICE_KEY_SECRET; a service registers only its own
 * endpoints) or the operator key, never an operator token.
 */
@Module({
  imports: [
    ConfigSliceModule.forSlice(rbacConfig),
    PersistenceModule.forService({ schema: RBAC_SCHEMA, migrationsFolder: RBAC_MIGRATIONS }),
    MessagingModule.forService({ service: 'rbac', outbox: { schema: RBAC_SCHEMA, database: Database } }),
    // The admin API's operators: internal access tokens of the exchange, permissions decided here, in-process.
    RbacGuardModule.forService({
      service: 'rbac',
      gatesReadiness: false,
      local: {
        decisions: (modules) => ({ decide: (query) => modules.get(PolicyEngine, { strict: false }).decide(query) }),
        register: (modules) => (endpoints) =>
          modules.get(RegisterEndpointsUseCase, { strict: false }).register('rbac', EndpointListBody.parse(endpoints)),
      },
    }),
    OperatorKeyModule.forService({
      service: 'rbac',
      slice: rbacConfig,
      variable: 'LATCHKEY_RBAC_OPERATOR_KEY',
      codes: {
        unauthenticated: 'RBAC.ADMIN_UNAUTHENTICATED',
        invalid: 'RBAC.ADMIN_CREDENTIAL_INVALID',
        disabled: 'RBAC.ADMIN_API_DISABLED',
      } satisfies OperatorKeyCodes<RbacAdminErrorCode>,
    }),
  ],
  controllers: [DecisionsController, EndpointsController, RolesAdminController, SubjectsAdminController],
  providers: [
    ServiceKeySecrets,
    ServiceKeyGuard,
    SubjectRepository,
    RoleRepository,
    PermissionRepository,
    EndpointRepository,
    PolicyVersionRepository,
    PolicyChanges,
    PolicyEngine,
    PolicyAdministrators,
    RoleAdministration,
    AssignmentAdministration,
    RegisterEndpointsUseCase,
    IdentityCreatedConsumer,
    SeedDemoOperatorUseCase,
    SeedDemoApiUserUseCase,
  ],
  exports: [SeedDemoOperatorUseCase, SeedDemoApiUserUseCase],
})
export class RbacModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(RBAC_ADMIN_WIRE_ERRORS);
  }
}
