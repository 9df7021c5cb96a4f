'use strict';
/**
 * The image's entrypoint: `docker run latchkey/platform <service>` runs that
 * service's bundle in this process (no child: node stays PID 1's only
 * program, so SIGTERM reaches the service's own graceful shutdown).
 *
 * Layout (Dockerfile): /app/services/<service>/bundle/main.js with the
 * service's migrations beside it in /app/services/<service>/migrations,
 * because the bundle looks for them at `<bundle dir>/../migrations`.
 * LATCHKEY_BUNDLE_ROOT overrides /app/services (deploy/test uses it).
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { SERVICES, isService } = require('./services');

const USAGE_EXIT = 64; // EX_USAGE

function main(argv) {
  const name = argv[2];
  if (!isService(name)) {
    const known = Object.keys(SERVICES).join(', ');
    process.stderr.write(`usage: <image> <service>\n  services: ${known}\n`);
    if (name !== undefined) process.stderr.write(`unknown service "${name}"\n`);
    process.exit(USAGE_EXIT);
  }
  const root = process.env.LATCHKEY_BUNDLE_ROOT || join(__dirname, '..', '..', 'services');
  const bundle = join(root, name, 'bundle', 'main.js');
  if (!existsSync(bundle)) {
    process.stderr.write(`the bundle of "${name}" is missing at ${bundle}: the image was built without it\n`);
    process.exit(1);
  }
  require(bundle);
}

main(process.argv);
