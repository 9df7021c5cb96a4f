import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, dlqTopic, Topics } from '@latchkey/contracts';
import { DEPLOY_ROOT, readDeployFile } from './support/deploy-files';

// require: the image’s own CommonJS modules, run by node as they are (no types to import).
const { parseTopicList } = require('../docker/topic-list.js') as {
  parseTopicList: (text: string) => { name: string; partitions: number; cleanupPolicy: string; retentionMs?: number }[];
};
const { servicePort, portVariable } = require('../docker/services.js') as {
  servicePort: (service: string, env: Record<string, string | undefined>) => number;
  portVariable: (service: string) => string;
};

const TOPICS_CONF = 'k8s/base/kafka-topics/topics.conf';
const topics = parseTopicList(readDeployFile(TOPICS_CONF));

function node(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 20000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the topic list (deploy/k8s/base/kafka-topics/topics.conf)', () => {
  it('lists exactly the topics of libs/contracts and their dead-letter topics, once each', () => {
    const expected = ALL_TOPICS.flatMap((t) => [t, dlqTopic(t)]);
    expect(topics.map((t) => t.name).sort()).toEqual([...expected].sort());
  });

  it('compacts access.revocation only (as the services would: the latest record per subject is the state)', () => {
    expect(topics.filter((t) => t.cleanupPolicy === 'compact').map((t) => t.name)).toEqual([Topics.AccessRevocation]);
  });

  it('gives one partition to topics with a single key (rbac.changed, audit.checkpoint) and the most to lat.used', () => {
    const partitions = new Map(topics.map((t) => [t.name, t.partitions]));
    expect(partitions.get(Topics.RbacChanged)).toBe(1);
    expect(partitions.get(Topics.AuditCheckpoint)).toBe(1);
    expect(Math.max(...partitions.values())).toBe(partitions.get(Topics.LatUsed));
  });

  it('keeps the audit checkpoints forever (their copy outside the database) and leaves the others to the broker default', () => {
    expect(topics.filter((t) => t.retentionMs !== undefined).map((t) => [t.name, t.retentionMs])).toEqual([[Topics.AuditCheckpoint, -1]]);
  });

  it('refuses a malformed line (the check can fail)', () => {
    expect(() => parseTopicList('lat.used twelve delete\n')).toThrow(/bad topic line/);
    expect(() => parseTopicList('lat.used 12 remove\n')).toThrow(/bad topic line/);
    expect(() => parseTopicList('lat.used 12 delete forever\n')).toThrow(/bad topic line/);
    expect(parseTopicList('# comment\n\nlat.used 12 delete # hottest\n')).toEqual([{ name: 'lat.used', partitions: 12, cleanupPolicy: 'delete' }]);
  });
});

describe('create-topics.sh', () => {
  /**
   * Runs the script with a stand-in for the apache/kafka image's kafka-topics.sh that records its arguments,
   * answers --list with `existing` and fails the create of `failing`.
   */
  function runCreateTopics(existing: string[], failing = ''): { status: number | null; stderr: string; stdout: string; creates: string[] } {
    const dir = mkdtempSync(join(tmpdir(), 'create-topics-'));
    try {
      const log = join(dir, 'calls.log');
      writeFileSync(join(dir, 'existing'), existing.map((name) => `${name}\n`).join(''));
      writeFileSync(
        join(dir, 'kafka-topics.sh'),
        [
          '#!/bin/sh',
          `echo "$*" >> "${log}"`,
          `case "$*" in *--list*) cat "${join(dir, 'existing')}" ;; *"--topic ${failing || '-'} "*) exit 1 ;; esac`,
        ].join('\n'),
      );
      chmodSync(join(dir, 'kafka-topics.sh'), 0o755);
      const run = spawnSync('sh', [join(DEPLOY_ROOT, 'k8s/base/kafka-topics/create-topics.sh')], {
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          KAFKA_BROKERS: 'k1:9092,k2:9092',
          KAFKA_BIN: dir,
          REPLICATION_FACTOR: '3',
          MIN_INSYNC_REPLICAS: '2',
          LOG_DIR: dir,
        },
      });
      const creates = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .filter((line) => line.includes('--create'));
      return { status: run.status, stderr: run.stderr, stdout: run.stdout, creates };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('creates every topic of the list, --if-not-exists, with its partitions, policy and the replication asked for', () => {
    const run = runCreateTopics([]);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.creates).toHaveLength(topics.length);
    for (const topic of topics) {
      const retention = topic.retentionMs === undefined ? '' : ` --config retention.ms=${topic.retentionMs}`;
      expect(run.creates).toContain(
        `--bootstrap-server k1:9092,k2:9092 --create --if-not-exists --topic ${topic.name} --partitions ${topic.partitions} --replication-factor 3 --config cleanup.policy=${topic.cleanupPolicy} --config min.insync.replicas=2${retention}`,
      );
    }
  });

  it('lists the topics once and creates only the missing ones (each create starts a JVM)', () => {
    const [missing, ...present] = topics.map((t) => t.name);
    const run = runCreateTopics([...present, 'some.other.topic']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.creates).toEqual([expect.stringContaining(`--topic ${missing} `)]);
    expect(run.stdout).toContain('1 created');
    expect(runCreateTopics(topics.map((t) => t.name)).creates).toEqual([]);
  });

  it('exits non-zero when a create fails, after the others ran', () => {
    const failing = topics[1].name;
    const run = runCreateTopics([], failing);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('a topic could not be created');
    expect(run.creates).toHaveLength(topics.length);
  });

  it('fails without KAFKA_BROKERS', () => {
    const run = spawnSync('sh', [join(DEPLOY_ROOT, 'k8s/base/kafka-topics/create-topics.sh')], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('KAFKA_BROKERS is required');
  });
});

describe('the image entrypoint (deploy/docker/entry.js)', () => {
  const entry = join(DEPLOY_ROOT, 'docker/entry.js');
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'entry-'));
    // A stand-in bundle: proves the entrypoint loads <root>/<service>/bundle/main.js in its own process.
    mkdirSync(join(root, 'issuer', 'bundle'), { recursive: true });
    writeFileSync(join(root, 'issuer', 'bundle', 'main.js'), "process.stdout.write('issuer bundle ran as pid ' + (process.pid > 0));\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the bundle of the service it is given', () => {
    expect(node([entry, 'issuer'], { LATCHKEY_BUNDLE_ROOT: root })).toEqual({ status: 0, stdout: 'issuer bundle ran as pid true', stderr: '' });
  });

  it('refuses an unknown or missing service name with usage (exit 64), listing the services', () => {
    const unknown = node([entry, 'payments'], { LATCHKEY_BUNDLE_ROOT: root });
    expect(unknown.status).toBe(64);
    expect(unknown.stderr).toContain('unknown service "payments"');
    expect(unknown.stderr).toContain('issuer, face-api, exchange, rbac, audit, abuse-detector, testapi');
    expect(node([entry]).status).toBe(64);
  });

  it('says so when the image lacks a known service’s bundle', () => {
    const missing = node([entry, 'audit'], { LATCHKEY_BUNDLE_ROOT: root });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('the bundle of "audit" is missing');
  });
});

describe('the healthcheck’s port (deploy/docker/services.js)', () => {
  it('is LATCHKEY_<NAME>_PORT when set, else the default port', () => {
    expect(portVariable('abuse-detector')).toBe('LATCHKEY_ABUSE_DETECTOR_PORT');
    expect(servicePort('face-api', {})).toBe(3002);
    expect(servicePort('face-api', { LATCHKEY_FACE_API_PORT: '8080' })).toBe(8080);
  });
});
