/**
 * Import this first in an app's main.ts (`import '@latchkey/telemetry/register';`):
 * OpenTelemetry patches http, kafkajs, pg, pino and Nest as they load, so it
 * must start before any of them is required.
 */
import { startTelemetryFromEnvironment } from './lib/telemetry-sdk';

startTelemetryFromEnvironment();
