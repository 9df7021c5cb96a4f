import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { AbuseDetectorModule } from '@latchkey/abuse-detector/feature';

void runService({ name: 'abuse-detector', module: AbuseDetectorModule });
