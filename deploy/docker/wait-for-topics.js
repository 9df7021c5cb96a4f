'use strict';
/**
 * Waits until every topic of the topic list exists on the brokers
 * (KAFKA_BROKERS), then exits 0; exits 1 after WAIT_FOR_TOPICS_TIMEOUT_MS.
 *
 * Why: a service that finds a topic missing creates it itself, with 3
 * partitions and replication factor 1 (libs/messaging), and partition counts
 * cannot be lowered later. Run as an init container (Kubernetes) or a
 * dependency (compose) so that the topic Job's counts and replication win.
 *
 * Usage: node wait-for-topics.js [topics.conf]   (default: the copy in the image)
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Kafka, logLevel } = require('kafkajs');
const { parseTopicList } = require('./topic-list');

const DEFAULT_LIST = join(__dirname, 'topics.conf');
const POLL_MS = 2000;

async function missingTopics(kafka, wanted) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    return wanted.filter((topic) => !existing.has(topic));
  } catch {
    return wanted; // broker not reachable yet: keep waiting
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function main() {
  const brokers = (process.env.KAFKA_BROKERS || '').split(',').filter(Boolean);
  if (brokers.length === 0) {
    process.stderr.write('wait-for-topics: KAFKA_BROKERS is not set\n');
    return 1;
  }
  const wanted = parseTopicList(readFileSync(process.argv[2] || DEFAULT_LIST, 'utf8')).map((t) => t.name);
  const timeoutMs = Number(process.env.WAIT_FOR_TOPICS_TIMEOUT_MS || 300000);
  const kafka = new Kafka({ clientId: 'latchkey-wait-for-topics', brokers, logLevel: logLevel.NOTHING });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = await missingTopics(kafka, wanted);
    if (missing.length === 0) {
      process.stdout.write(`wait-for-topics: all ${wanted.length} topics exist\n`);
      return 0;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`wait-for-topics: still missing after ${timeoutMs} ms: ${missing.join(', ')}\n`);
      return 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

main().then((code) => process.exit(code));
