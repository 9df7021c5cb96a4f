// Moved to @latchkey/service-testing, where other services' tests (the audit's reconciliation) start it too.
export {
  IssuerProcess,
  TEST_USER_AGENT,
  type IssuerAnswer,
  type OnboardedIsv,
  type ReplicaOptions,
  type SigningKeyInfo,
} from '@latchkey/service-testing';
