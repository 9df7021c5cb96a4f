export { AuditModule } from './lib/audit.module';
