import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { TestapiModule } from '@latchkey/testapi/feature';

void runService({ name: 'testapi', module: TestapiModule });
