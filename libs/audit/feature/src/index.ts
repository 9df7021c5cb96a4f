export { AuditModule } from './lib/audit.module';
export { auditConfig } from './lib/audit.config';
export { AuditCheckpointer } from './lib/checkpoints/audit-checkpointer';
export { AuditRetention, type PruneReport } from './lib/retention/audit-retention';
