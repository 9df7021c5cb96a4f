'use strict';
/**
 * The image's HEALTHCHECK: GET /readyz of the service this container runs,
 * on its configured port; exit 0 when it answers 200 within the timeout.
 *
 * Which service: the entrypoint's argument, read from PID 1's command line
 * (`node entry.js <service>`, or behind `docker run --init`). The healthcheck
 * runs as a separate process and sees only the container's environment.
 * Kubernetes ignores HEALTHCHECK and probes /readyz and /healthz itself.
 */
const { readFileSync } = require('node:fs');
const { request } = require('node:http');
const { isService, servicePort } = require('./services');

const TIMEOUT_MS = 2500;

function runningService() {
  const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter(Boolean);
  return args.reverse().find(isService);
}

function probe(port) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function main() {
  const service = runningService();
  if (service === undefined) {
    process.stderr.write('healthcheck: PID 1 runs no known service\n');
    return 1;
  }
  const ready = await probe(servicePort(service));
  if (!ready) process.stderr.write(`healthcheck: ${service} is not ready\n`);
  return ready ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  () => process.exit(1),
);
