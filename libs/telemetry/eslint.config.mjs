import baseConfig, { owns } from '../../eslint.config.mjs';

// The telemetry lib owns the OpenTelemetry SDK.
export default [...baseConfig, ...owns('@opentelemetry/sdk-node')];
