import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { RbacModule } from '@latchkey/rbac/feature';

void runService({ name: 'rbac', module: RbacModule });
