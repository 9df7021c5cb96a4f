/**
 * Fetches the Apache Kafka broker jars from Maven Central with `mvn`
 * (tools/kafka/pom.xml) into a per-version cache, so running a broker needs
 * only Java 17+ and Maven: no Docker, no Kafka tarball. Node built-ins only.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Kafka version fetched and run. See docs/DECISIONS.md for why this one. */
export const KAFKA_VERSION = '4.2.0';

const MARKER = '.copy-complete';

/** A progress sink such as `console.error`. */
export type Log = (line: string) => void;
/** The default {@link Log}: says nothing. */
export const silent: Log = () => undefined;

/** Walks up from this file (or the cwd) to the folder holding nx.json. */
export function findRepoRoot(): string {
  // __dirname is missing when this file is loaded as ESM; the cwd then serves.
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.cwd()];
  for (const start of starts) {
    for (let dir = start; dir; dir = dirname(dir) === dir ? undefined : dirname(dir)) {
      if (existsSync(join(dir, 'nx.json'))) return dir;
    }
  }
  throw new Error('Cannot find the repository root (no nx.json above this file or the cwd)');
}

/** Runs a command to completion, collecting stdout+stderr; ENOENT becomes a clear Error. */
export function run(cmd: string, args: string[], hint: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => void (output += chunk.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new Error(`\`${cmd}\` was not found on PATH: ${hint}`) : err),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Why java is needed, for "not found" errors. */
export const JAVA_HINT = 'the Kafka test broker needs a Java 17+ runtime (apt-get install openjdk-17-jre-headless)';
const MVN_HINT = 'fetching the Kafka jars needs Maven (apt-get install maven)';

/** The last `lines` lines of `text`, for error messages. */
export function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Options for {@link ensureKafkaJars}. */
export interface EnsureJarsOptions {
  /** Cache root; jars land in `<cacheDir>/<version>/libs`. Default `<repoRoot>/.cache/kafka`. */
  cacheDir?: string;
  /** Progress sink (e.g. `console.error`); silent by default. */
  log?: Log;
}

/**
 * Makes sure the broker jars for {@link KAFKA_VERSION} are cached and returns
 * their directory. mvn runs only when the completion marker is missing or was
 * written for a different pom, so repeat calls cost two small file reads.
 */
export async function ensureKafkaJars(opts: EnsureJarsOptions = {}): Promise<string> {
  const log = opts.log ?? silent;
  const pom = join(findRepoRoot(), 'tools', 'kafka', 'pom.xml');
  const versionDir = join(opts.cacheDir ?? join(findRepoRoot(), '.cache', 'kafka'), KAFKA_VERSION);
  const libs = join(versionDir, 'libs');
  // The pom hash is in the marker so a pom change (e.g. a new logging jar) refetches.
  const stamp = `${KAFKA_VERSION} ${createHash('sha256').update(readFileSync(pom)).digest('hex')}`;
  const current = (): boolean =>
    existsSync(join(libs, MARKER)) && readFileSync(join(libs, MARKER), 'utf8') === stamp;
  if (current()) return libs;

  await run('java', ['-version'], JAVA_HINT);
  await run('mvn', ['-v'], MVN_HINT);
  // Copy into a private dir then rename: parallel test processes never see half a
  // copy, and a complete one is never deleted.
  const partial = `${libs}.partial-${process.pid}-${Date.now()}`;
  log(`fetching Kafka ${KAFKA_VERSION} jars from Maven Central into ${libs}`);
  const res = await run(
    'mvn',
    ['-B', '-q', '-f', pom, `-Dkafka.version=${KAFKA_VERSION}`, 'dependency:copy-dependencies',
      `-DoutputDirectory=${partial}`, '-DincludeScope=runtime'],
    MVN_HINT,
  );
  if (res.code !== 0) {
    await rm(partial, { recursive: true, force: true });
    throw new Error(`mvn could not fetch Kafka ${KAFKA_VERSION} (exit ${res.code}):\n${tail(res.output)}`);
  }
  await writeFile(join(partial, MARKER), stamp);
  try {
    await rename(partial, libs); // fails if another copy is already there
  } catch {
    await rm(current() ? partial : libs, { recursive: true, force: true });
    if (!current()) await rename(partial, libs); // the old copy was stale
  }
  return libs;
}
