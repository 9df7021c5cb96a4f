import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { FaceApiModule } from '@latchkey/face-api/feature';

void runService({ name: 'face-api', module: FaceApiModule });
