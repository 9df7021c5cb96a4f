import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS } from '@latchkey/config';
import { serviceVariables } from './support/config-catalogue';
import { WORKSPACE_ROOT } from './support/deploy-files';
import { copyOf, dockerignore, stages } from './support/dockerfile';
import { buildProjects, dockerfileProblems, readDockerFiles } from './support/dockerfile-checks';

// Static checks, run by `npm test`. The image itself is built and run by deploy/scripts/image-smoke.sh (docs/DEPLOY.md).
const { dockerfile, ignore } = readDockerFiles(WORKSPACE_ROOT);
const all = stages(dockerfile);
const final = all.at(-1);
// require: the image’s own CommonJS module, run by node as it is (no types to import).
const { SERVICES } = require('../docker/services.js') as { SERVICES: Record<string, number> };

const finalCopies = (final?.instructions ?? []).filter((i) => i.keyword === 'COPY').map(copyOf);

describe('the image (Dockerfile, .dockerignore)', () => {
  it('copies only files that exist and that .dockerignore lets through; --from sources are built, installed or copied in that stage', () => {
    expect(dockerfileProblems(dockerfile, ignore, WORKSPACE_ROOT)).toEqual([]);
  });

  it('has a build stage and a separate runtime stage that runs as a non-root user with a HEALTHCHECK', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const keywords = final?.instructions.map((i) => i.keyword) ?? [];
    expect(keywords).toContain('USER');
    expect(keywords).toContain('HEALTHCHECK');
    const healthcheck = final?.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    expect(healthcheck).toContain('/app/deploy/docker/healthcheck.js');
    expect(final?.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["node", "/app/deploy/docker/entry.js"]');
    expect(finalCopies).toContainEqual({ from: undefined, sources: ['deploy/docker/'], destination: './deploy/docker/' });
    // wait-for-topics.js reads the topic list beside itself by default.
    expect(finalCopies).toContainEqual({
      from: undefined,
      sources: ['deploy/k8s/base/kafka-topics/topics.conf'],
      destination: './deploy/docker/topics.conf',
    });
  });

  it('creates the spool folder compose and Kubernetes mount for the face-api, owned by the user the image runs as', () => {
    const compose = readFileSync(join(WORKSPACE_ROOT, 'deploy/compose/compose.yaml'), 'utf8');
    const spoolDir = /LATCHKEY_SPOOL_DIR: (\S+)/.exec(compose)?.[1];
    expect(spoolDir).toBe('/var/lib/latchkey/spool');
    const user = final?.instructions.find((i) => i.keyword === 'USER')?.args;
    const runs = (final?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs).toContainEqual(expect.stringContaining(`mkdir -p ${spoolDir}`));
    expect(runs).toContainEqual(expect.stringContaining(`chown ${user} ${spoolDir}`));
  });

  it('accepts exactly the services of DEFAULT_PORTS, at the same ports', () => {
    expect(SERVICES).toEqual(DEFAULT_PORTS);
  });

  it.each(Object.keys(SERVICES))(
    'runs %s: an app with a webpack build, built by the image, its bundle and migrations where the bundle looks',
    (service) => {
      const webpack = join(WORKSPACE_ROOT, 'apps', service, 'webpack.config.js');
      expect(existsSync(webpack)).toBe(true);
      expect(readFileSync(webpack, 'utf8')).toContain(`service-webpack.config')('${service}')`);
      const build = all.find((s) => s.name === 'build');
      expect(build?.instructions.filter((i) => i.keyword === 'RUN').flatMap((i) => buildProjects(i.args))).toContain(service);
      expect(finalCopies).toContainEqual({ from: 'build', sources: [`/src/dist/apps/${service}`], destination: `./services/${service}/bundle` });
      // The bundle resolves join(__dirname, '..', 'migrations'): beside the bundle folder.
      const migrations = join('libs', service, 'data-access', 'migrations');
      if (existsSync(join(WORKSPACE_ROOT, migrations))) {
        expect(finalCopies).toContainEqual({ from: 'build', sources: [`/src/${migrations}`], destination: `./services/${service}/migrations` });
      }
    },
  );

  it('sets only variables the services read (and NODE_ENV), binding all interfaces and keeping state under /tmp', () => {
    const env = new Map<string, string>();
    for (const instruction of final?.instructions.filter((i) => i.keyword === 'ENV') ?? []) {
      for (const [, key, value] of instruction.args.matchAll(/(\w+)=(\S+)/g)) env.set(key, value);
    }
    expect([...env.keys()].filter((k) => k !== 'NODE_ENV' && !serviceVariables().has(k))).toEqual([]);
    expect(env.get('LATCHKEY_HOST')).toBe('0.0.0.0');
    expect(env.get('LATCHKEY_DATA_DIR')).toMatch(/^\/tmp\//);
  });

  describe('the checks themselves', () => {
    it('report a missing source, an ignored source, an unbuilt app, a root user and no HEALTHCHECK', () => {
      const broken = [
        'FROM node:20.20.2-bookworm-slim AS build',
        'WORKDIR /src',
        'COPY apps/ ./apps/',
        'RUN npx nx run-many -t build -p issuer',
        'FROM node:latest',
        'COPY no-such-file.txt ./',
        'COPY docs/ ./docs/',
        'COPY --from=build /src/dist/apps/face-api ./bundle',
        'COPY --from=build /src/libs/issuer ./issuer',
        'COPY --from=nowhere /x ./x',
      ].join('\n');
      expect(dockerfileProblems(broken, 'docs\n', WORKSPACE_ROOT)).toEqual([
        'COPY no-such-file.txt: no such file in the repository',
        'COPY docs/: excluded by .dockerignore',
        'COPY --from=build /src/dist/apps/face-api: that stage neither copies nor builds it',
        'COPY --from=build /src/libs/issuer: that stage neither copies nor builds it',
        'COPY --from=nowhere: no earlier stage of that name',
        'FROM node:latest: not a pinned version',
        'final stage runs as root (no USER)',
        'final stage has no HEALTHCHECK',
      ]);
    });

    it('match .dockerignore patterns as Docker does: folders with their contents, ** and ! exceptions', () => {
      const excluded = dockerignore('**/node_modules\ndist\n*.md\n!README.md\n');
      expect(excluded('libs/x/node_modules/a/index.js')).toBe(true);
      expect(excluded('node_modules')).toBe(true);
      expect(excluded('dist/apps/issuer/main.js')).toBe(true);
      expect(excluded('CHANGES.md')).toBe(true);
      expect(excluded('README.md')).toBe(false);
      expect(excluded('libs/x/src/index.ts')).toBe(false);
      expect(excluded('docs/x.md')).toBe(false);
    });
  });
});
