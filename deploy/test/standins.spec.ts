import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_VERSION } from '@latchkey/testing';
import { DEPLOY_ROOT, readDeployFile, readYaml, record } from './support/deploy-files';

// deploy/standins/build.sh makes local stand-ins for the third-party images, tagged with the names the
// Dockerfile and compose.yaml pin, so that compose-smoke.sh runs both unchanged where no registry is reachable.
// A pin bumped without its stand-in would send that run to a registry; these checks keep the two in step.
const build = readDeployFile('standins/build.sh');
const nodeTag = /^NODE_TAG=(\S+)$/m.exec(build)?.[1];
const base = /^BASE=(\S+)$/m.exec(build)?.[1];
const built = [...build.matchAll(/ -t (\S+) /g)].map((m) => m[1].replace('"$NODE_TAG"', nodeTag ?? '?'));
const retagged = [...build.matchAll(/"\$ENGINE" tag \S+ (\S+)$/gm)].map((m) => m[1]);
const standins = new Set([...built, ...retagged]);

const composeServices = record(record(readYaml('compose/compose.yaml'))['services']);
const composeImages = new Set(Object.values(composeServices).map((s) => String(record(s)['image'])));
// Made by the repository's own Dockerfile, or started by no flow that compose-smoke.sh runs (no service depends on them).
const NOT_STOOD_IN = ['latchkey/platform:local', 'grafana/grafana:', 'prom/prometheus:'];

describe('the stand-in images (deploy/standins)', () => {
  it('stand in for exactly the third-party images compose.yaml pins, other than the dashboards', () => {
    const needed = [...composeImages].filter((image) => !NOT_STOOD_IN.some((prefix) => image.startsWith(prefix)));
    expect([...standins].filter((tag) => tag !== nodeTag).sort()).toEqual(needed.sort());
  });

  it("stand in for the Dockerfile's base image, under the name its NODE_IMAGE argument defaults to", () => {
    const dockerfile = readDeployFile('../Dockerfile');
    expect(/^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1]).toBe(nodeTag);
  });

  it('run the Kafka version the test broker runs, from the same jars and kafka-tools', () => {
    expect([...standins].filter((tag) => tag.startsWith('apache/kafka:'))).toEqual([`apache/kafka:${KAFKA_VERSION}`]);
    expect(build).toContain(`mvn -q -f "$HERE/kafka/pom.xml" -Dkafka.version=${KAFKA_VERSION} `);
    expect(readDeployFile('standins/kafka/pom.xml')).toContain('<relativePath>../../../tools/kafka/pom.xml</relativePath>');
  });

  it('build every stand-in on the Debian base build.sh imports, and label it as a stand-in', () => {
    const dockerfiles = readdirSync(join(DEPLOY_ROOT, 'standins'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => readDeployFile(`standins/${entry.name}/Dockerfile`));
    expect(dockerfiles.length).toBeGreaterThanOrEqual(4);
    for (const dockerfile of dockerfiles) {
      const from = /^FROM (\S+)$/m.exec(dockerfile)?.[1];
      const arg = /^ARG (\w+)=(\S+)$/m.exec(dockerfile);
      expect(from).toBe(`\${${arg?.[1]}}`);
      expect([base, nodeTag]).toContain(arg?.[2]);
    }
    expect(build.match(/"\$ENGINE" build /g)?.length).toBe(build.match(/"\$\{LABEL\[@\]\}"/g)?.length);
  });
});
