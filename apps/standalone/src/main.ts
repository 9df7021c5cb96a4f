import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runStandalone } from './run-standalone';

void runStandalone();
