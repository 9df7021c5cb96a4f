import { ServiceProcess } from './service-process';

/**
 * The audit service as deployed, in a process of its own, so a test can SIGKILL it mid-stream: no shutdown hook
 * runs, no offset is committed on the way out, exactly what a crashed pod leaves behind.
 */
export type AuditProcess = ServiceProcess;

export const AuditProcess = {
  /** Boots it on `env` (DATABASE_URL, LATCHKEY_DATA_DIR, LATCHKEY_AUDIT_SIGNING_KEY…) and waits for its ready line. */
  start: (env: Readonly<Record<string, string>>): Promise<AuditProcess> => ServiceProcess.start('audit', { env: { LOG_LEVEL: 'info', ...env } }),
};
