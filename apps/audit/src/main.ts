import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { AuditModule } from '@latchkey/audit/feature';

void runService({ name: 'audit', module: AuditModule });
