import { CaseRepository, RevocationLedgerRepository, WebhookRepository } from '@latchkey/abuse-detector/data-access';
import type { ConfigOf } from '@latchkey/config';
import type { OutboxWriter } from '@latchkey/messaging';
import type { Database } from '@latchkey/persistence';
import type { abuseActionsConfig } from '../actions/abuse-actions.config';
import { RevocationWriter } from '../actions/revocation-writer';
import type { Clock } from '../detection/detection-rules';
import type { abuseCasesConfig } from './abuse-cases.config';
import { CaseAnnouncer } from './case-announcer';
import { CaseWorkflow } from './case-workflow';

/** The cases slice's defaults, for tests that build the workflow by hand. */
export const CASE_DEFAULTS: ConfigOf<typeof abuseCasesConfig> = {
  LATCHKEY_ABUSE_CASE_DEADLINE_MS: 86_400_000,
  LATCHKEY_ABUSE_CASE_ESCALATION_REVOKES_ISV: true,
  LATCHKEY_ABUSE_CASE_SWEEP_INTERVAL_MS: 10_000,
  LATCHKEY_ABUSE_WEBHOOK_POLL_INTERVAL_MS: 1000,
  LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS: 5000,
  LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS: false,
  LATCHKEY_ABUSE_WEBHOOK_MAX_ATTEMPTS: 33,
};

/** A real CaseWorkflow over `db` (tests of the recorder, the leak intake and the workflow itself). */
export function caseWorkflowFor(
  db: Database,
  outbox: OutboxWriter,
  now: Clock,
  settings: { cases?: Partial<ConfigOf<typeof abuseCasesConfig>>; automaticRevocation?: boolean } = {},
): CaseWorkflow {
  const ledger = new RevocationLedgerRepository(db);
  const actions = {
    LATCHKEY_ABUSE_AUTOMATIC_REVOCATION: settings.automaticRevocation ?? true,
    LATCHKEY_ABUSE_REVOKE_ON_HIGH: false,
    LATCHKEY_ABUSE_ESCALATION_REVOCATIONS: 3,
    LATCHKEY_ABUSE_ESCALATION_WINDOW_DAYS: 7,
  } satisfies ConfigOf<typeof abuseActionsConfig>;
  return new CaseWorkflow(
    db,
    new CaseRepository(db),
    ledger,
    new RevocationWriter(ledger, outbox),
    new CaseAnnouncer(outbox, new WebhookRepository(db)),
    { ...CASE_DEFAULTS, ...settings.cases },
    actions,
    now,
  );
}
