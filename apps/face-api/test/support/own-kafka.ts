// Moved to @latchkey/service-testing, where other services' tests (the audit's reconciliation) use it too.
export { useOwnKafka, type OwnKafka } from '@latchkey/service-testing';
