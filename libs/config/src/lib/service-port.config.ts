import { z } from 'zod';
import { defineConfigSlice, type ConfigSlice } from './config-slice';
import { envPort } from './config-fields';
import { loadConfig } from './load-config';
import type { Env } from './config-slice';

/** Default HTTP port of each service, used when `LATCHKEY_<SERVICE>_PORT` is unset. */
export const DEFAULT_PORTS = Object.freeze({
  issuer: 3001,
  'face-api': 3002,
  exchange: 3003,
  rbac: 3004,
  audit: 3005,
  'abuse-detector': 3006,
  // The sample protected API behind the exchange's gateway (3007 is the standalone launcher's development identity provider).
  testapi: 3010,
} as const);

/** A service that has a default port. */
export type ServiceName = keyof typeof DEFAULT_PORTS;

type Snake<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${Snake<Tail>}` : S;

/** `face-api` → `LATCHKEY_FACE_API_PORT`. */
export type PortVariable<S extends string> = `LATCHKEY_${Uppercase<Snake<S>>}_PORT`;

export type ServicePortShape<S extends string> = { readonly [K in PortVariable<S>]: z.ZodType<number, string | undefined> };

const SERVICE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The port variable of a service: `servicePortVariable('face-api')` is `LATCHKEY_FACE_API_PORT`. */
export function servicePortVariable<const S extends string>(service: S): PortVariable<S> {
  if (!SERVICE_NAME.test(service)) throw new Error(`"${service}" is not a kebab-case service name`);
  return `LATCHKEY_${service.toUpperCase().replace(/-/g, '_')}_PORT` as PortVariable<S>;
}

function isServiceName(service: string): service is ServiceName {
  return Object.hasOwn(DEFAULT_PORTS, service);
}

/**
 * The slice holding one service's port. Known services default to their
 * `DEFAULT_PORTS` entry; any other name requires the variable.
 */
export function servicePortConfig<const S extends string>(service: S): ConfigSlice<ServicePortShape<S>> {
  const base = envPort();
  const field = isServiceName(service)
    ? base.default(DEFAULT_PORTS[service]).describe(`HTTP port of the ${service} service.`)
    : base.describe(`HTTP port of the ${service} service.`);
  const shape = { [servicePortVariable(service)]: field } as unknown as ServicePortShape<S>;
  return defineConfigSlice(`${service}-port`, shape);
}

/** Reads a service's port from `env`. @throws ConfigError when the variable is invalid. */
export function loadServicePort(service: string, env?: Env): number {
  const slice = servicePortConfig(service);
  return loadConfig(slice, env)[servicePortVariable(service)];
}
