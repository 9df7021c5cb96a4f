import type { Type } from '@nestjs/common';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';
import { AuditModule } from '@latchkey/audit/feature';
import type { ServiceName } from '@latchkey/config';
import { ExchangeModule } from '@latchkey/exchange/feature';
import { FaceApiModule } from '@latchkey/face-api/feature';
import { IssuerModule } from '@latchkey/issuer/feature';
import { RbacModule } from '@latchkey/rbac/feature';
import { TestapiModule } from '@latchkey/testapi/feature';

/**
 * The services `npm start` runs, in start order: consumers of events first
 * (audit, abuse-detector, rbac), so that nothing the others publish at start
 * waits long for a reader; then the sample protected API behind the
 * exchange's gateway (testapi: no database, its guard loads the exchange's
 * keys in the background once the exchange is up), and the producers.
 */
export const SERVICES: readonly { name: ServiceName; module: Type }[] = [
  { name: 'audit', module: AuditModule },
  { name: 'abuse-detector', module: AbuseDetectorModule },
  { name: 'rbac', module: RbacModule },
  { name: 'testapi', module: TestapiModule },
  { name: 'issuer', module: IssuerModule },
  { name: 'face-api', module: FaceApiModule },
  { name: 'exchange', module: ExchangeModule },
];
