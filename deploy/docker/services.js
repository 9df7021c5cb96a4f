'use strict';
/**
 * The services the image runs, by name, with the HTTP port each listens on when
 * `LATCHKEY_<NAME>_PORT` is unset (libs/config DEFAULT_PORTS; deploy/test checks
 * that the two agree and that each name is an app with a webpack build).
 *
 * Plain CommonJS: the image runs it with node as it is, with no build step.
 */
const SERVICES = Object.freeze({
  issuer: 3001,
  'face-api': 3002,
  exchange: 3003,
  rbac: 3004,
  audit: 3005,
  'abuse-detector': 3006,
  testapi: 3010,
});

/** `face-api` → `LATCHKEY_FACE_API_PORT`. */
function portVariable(service) {
  return `LATCHKEY_${service.toUpperCase().replace(/-/g, '_')}_PORT`;
}

/** The port a service listens on in this environment. */
function servicePort(service, env = process.env) {
  const configured = env[portVariable(service)];
  return configured !== undefined && configured !== '' ? Number(configured) : SERVICES[service];
}

function isService(name) {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(SERVICES, name);
}

module.exports = { SERVICES, portVariable, servicePort, isService };
