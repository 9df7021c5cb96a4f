import '@latchkey/telemetry/register'; // first: OpenTelemetry must patch http, kafkajs and pg before they load
import { runService } from '@latchkey/http';
import { IssuerModule } from '@latchkey/issuer/feature';

void runService({ name: 'issuer', module: IssuerModule });
