import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { ExchangeModule } from '@latchkey/exchange/feature';

void runService({ name: 'exchange', module: ExchangeModule });
