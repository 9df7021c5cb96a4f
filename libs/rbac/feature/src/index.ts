export { RbacModule } from './lib/rbac.module';
export { rbacConfig } from './lib/rbac.config';
export { SeedDemoOperatorUseCase, PLATFORM_OPERATOR_ROLE, type OperatorPerson, type SeededOperators } from './lib/seed-demo-operator.use-case';
export { SeedDemoApiUserUseCase, SAMPLE_API_ROLE, SAMPLE_API_PERMISSIONS, type SeededApiUser } from './lib/seed-demo-api-user.use-case';
export { PolicyEngine, type Decision, type DecisionQuery, type DecisionReason } from './lib/policy/policy-engine';
export { RBAC_MODEL } from './lib/policy/casbin-policy';
