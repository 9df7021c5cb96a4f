export { startServiceUnderTest, type ServiceUnderTest } from './lib/service-under-test';
export { ServiceProcess, setServiceProcessDefaults, type ServiceProcessOptions } from './lib/service-process';
export { createServiceWorkspace, withServiceWorkspace, type ServiceWorkspace } from './lib/service-workspace';
export { IssuerProcess, TEST_USER_AGENT, type IssuerAnswer, type OnboardedIsv, type ReplicaOptions, type SigningKeyInfo } from './lib/issuer-process';
export {
  FaceApiClient,
  GATED,
  RESOURCE_SERVER_URL,
  USER_AGENT,
  faceApiEnv,
  faceApiOperatorKey,
  type ClientResource,
  type FaceApiTransport,
  type GatedOperation,
  type HttpAnswer,
} from './lib/face-api-client';
export { FaceApiProcess } from './lib/face-api-process';
export { useOwnKafka, type OwnKafka } from './lib/own-kafka';
export { AbuseDetectorProcess, type DetectorAnswer, type ListedAlert } from './lib/abuse-detector-process';
export { innerErrorCode, misuseUntilRevoked, type MisuseToRefusal } from './lib/misuse';
export { AuditProcess } from './lib/audit-process';
export { runBurst, payloadOf, nth, operationFor, operationOutside, type BurstIsv, type ClientLedger } from './lib/reconciliation-burst';
export {
  discrepancies,
  tally,
  issuedKey,
  usedKey,
  deniedKey,
  storedKeys,
  NO_DISCREPANCIES,
  type Discrepancies,
  type StoredEvent,
} from './lib/reconciliation';
