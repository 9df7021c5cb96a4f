export { RbacModule } from './lib/rbac.module';
export { SeedDemoOperatorUseCase, DEMO_OPERATOR_ID, PLATFORM_OPERATOR_ROLE } from './lib/seed-demo-operator.use-case';
