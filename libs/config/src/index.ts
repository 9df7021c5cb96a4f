export {
  defineConfigSlice,
  pickConfigSlice,
  type ConfigField,
  type ConfigOf,
  type ConfigShape,
  type ConfigSlice,
  type Env,
} from './lib/config-slice';
export { envBoolean, envEnum, envHostPortList, envInteger, envJson, envPort, envPostgresUrl, envString, envUrl } from './lib/config-fields';
export { ConfigError, type ConfigIssue } from './lib/config-error';
export { loadConfig, loadConfigs, validateConfig } from './lib/load-config';
export { renderConfigDocs } from './lib/config-docs';
export { platformConfig, LOG_LEVELS, type LogLevel } from './lib/platform.config';
export {
  DEFAULT_PORTS,
  loadServicePort,
  servicePortConfig,
  servicePortVariable,
  type PortVariable,
  type ServiceName,
  type ServicePortShape,
} from './lib/service-port.config';
export { ConfigSliceModule, InjectConfig, configToken, registeredConfigSlices } from './lib/config-slice.module';
export { CRASH_POINTS, armCrashPoint, crashPoint, envCrashPlan, type Crash, type CrashPlan, type CrashPoint } from './lib/crash-point';
