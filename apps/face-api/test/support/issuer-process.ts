import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FeatureFlag } from '@latchkey/contracts';
import { createScratchDatabase, eventually, testDatabaseUrl, testKafkaBrokers, type ScratchDatabase } from '@latchkey/testing';

/** swc-node reads the root tsconfig.json (path aliases, decorator metadata) from the working directory, as `npm start` does. */
const ROOT = resolve(__dirname, '../../../..');
const BOOT_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** The child's output kept for log assertions and diagnostics: a whole test file's worth, bounded all the same. */
const OUTPUT_TAIL_CHARS = 16 * 1024 * 1024;

/** The user agent of every request the test itself makes to the issuer, to tell them from the face-api's in the issuer's request log. */
export const TEST_USER_AGENT = 'latchkey-token-use-test';

/** The secrets an issuer on PostgreSQL needs; replicas must share them to open the same keys and recognise the same ISV keys. */
interface IssuerSecrets {
  readonly LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: string;
  readonly LATCHKEY_ISSUER_KEY_DIGEST_SECRET: string;
  readonly LATCHKEY_ISSUER_OPERATOR_KEY: string;
}

/** An HTTP answer of the issuer, read in full. */
export interface IssuerAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T>(): T;
}

/** What a replica differs in: its `iss`, or its host's clock (milliseconds ahead of the real one; negative: behind). */
export interface ReplicaOptions {
  readonly issuerUrl?: string;
  readonly clockSkewMs?: number;
}

/** What the issuer's admin API answers for a signing key. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: string;
  readonly status: 'next' | 'active' | 'retiring';
  readonly activatesAt: string | null;
}

/** An ISV onboarded as an operator would: approved, with its flags and the key of slot 1. */
export interface OnboardedIsv {
  readonly id: string;
  readonly subscriptionKey: string;
}

/**
 * The real issuer, run as its own process exactly as deployed (`node -r @swc-node/register
 * apps/issuer/src/main.ts`, the way package.json's `start` runs apps): a face-api test may not import the
 * issuer's feature lib (Nx scope rule), and a process boundary is what the resource server meets in production
 * anyway. It gets a scratch PostgreSQL database, the test Kafka, port 0 (it prints the port it took in its ready
 * line) and its own secrets; it is driven only through its HTTP API (operator admin API, STS, JWKS).
 */
export class IssuerProcess {
  private readonly replicas: IssuerProcess[] = [];

  private constructor(
    /** Where it really listens, e.g. `http://127.0.0.1:41234`. */
    readonly url: string,
    /** Its LATCHKEY_ISSUER_URL: the `iss` of its tokens and the `htu` base of issuance DPoP proofs. */
    readonly issuerUrl: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    private readonly output: () => string,
    private readonly shared: {
      readonly database: ScratchDatabase;
      readonly secrets: IssuerSecrets;
      readonly dataDir: string;
      readonly settings: Readonly<Record<string, string>>;
    },
    private readonly owner: boolean,
  ) {}

  /**
   * Starts an issuer on a database of its own; `issuerUrl` is its public URL, deliberately not where it listens.
   * `settings` are more LATCHKEY_ISSUER_* variables, for it and its replicas.
   */
  static async start(issuerUrl: string, settings: Readonly<Record<`LATCHKEY_ISSUER_${string}`, string>> = {}): Promise<IssuerProcess> {
    const serverUrl = testDatabaseUrl();
    if (!serverUrl || !testKafkaBrokers()) throw new Error('IssuerProcess needs real Kafka and PostgreSQL (use describeWithInfrastructure)');
    const database = await createScratchDatabase(serverUrl, 'issuer');
    const dataDir = await mkdtemp(join(tmpdir(), 'latchkey-issuer-'));
    const secrets: IssuerSecrets = {
      LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_OPERATOR_KEY: `op-${randomBytes(32).toString('base64url')}`,
    };
    try {
      return await IssuerProcess.spawn({ database, secrets, dataDir, settings }, { issuerUrl }, true);
    } catch (error) {
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Another instance on the same database and secrets, hence the same signing keys and ISV keys, as a second
   * replica runs: with another `iss` (a misconfigured replica) or a host clock that is off (tokens minted in the
   * past or the future). Stopped with this one.
   */
  async replica(options: ReplicaOptions): Promise<IssuerProcess> {
    const replica = await IssuerProcess.spawn(
      this.shared,
      { issuerUrl: options.issuerUrl ?? this.issuerUrl, clockSkewMs: options.clockSkewMs },
      false,
    );
    this.replicas.push(replica);
    return replica;
  }

  private static async spawn(
    shared: IssuerProcess['shared'],
    options: { readonly issuerUrl: string; readonly clockSkewMs?: number },
    owner: boolean,
  ): Promise<IssuerProcess> {
    const brokers = testKafkaBrokers() ?? [];
    // A clean environment: nothing of the test process (NODE_OPTIONS, the face-api's variables) leaks into the issuer.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      DATABASE_URL: shared.database.url,
      KAFKA_BROKERS: brokers.join(','),
      LATCHKEY_DATA_DIR: shared.dataDir,
      LATCHKEY_ISSUER_PORT: '0',
      LATCHKEY_ISSUER_URL: options.issuerUrl,
      // Replicas must see the primary's approvals and grants at once, not after the default second of caching.
      LATCHKEY_ISSUER_CACHE_TTL_MS: '0',
      ...shared.settings,
      ...shared.secrets,
      ...(options.clockSkewMs ? { LATCHKEY_TEST_CLOCK_SKEW_MS: String(options.clockSkewMs) } : {}),
    };
    const skew = options.clockSkewMs ? ['-r', join(__dirname, 'skewed-clock.ts')] : [];
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ...skew, 'apps/issuer/src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    let url = '';
    try {
      const readyLine = eventually(() => /^issuer ready on (http:\/\/\S+)$/m.exec(output)?.[1] ?? false, {
        timeoutMs: BOOT_TIMEOUT_MS,
        what: 'the issuer ready line',
      });
      const died = exited.then((code): never => {
        throw new Error(`the issuer exited during boot (code ${String(code)})`);
      });
      url = String(await Promise.race([readyLine, died]));
      // The ready line already waits for every readiness check; /readyz is what a deployment's probe asks.
      await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'issuer /readyz 200' });
    } catch (error) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${(error as Error).message}\n--- issuer output (tail) ---\n${output.slice(-4000)}`, { cause: error });
    }
    return new IssuerProcess(url, options.issuerUrl, child, exited, () => output, shared, owner);
  }

  /** The operator key of its admin API (shared by its replicas). */
  get operatorKey(): string {
    return this.shared.secrets.LATCHKEY_ISSUER_OPERATOR_KEY;
  }

  /** Its stdout and stderr so far (the last 16 MB), for assertions that nothing secret was logged, and diagnostics. */
  logs(): string {
    return this.output();
  }

  /** One request to the issuer over real HTTP. */
  async request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<IssuerAnswer> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'user-agent': TEST_USER_AGENT, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  /** An operator admin API call that must answer `expected`; anything else fails the test with the answer. */
  async admin<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
    const answer = await this.request(method, `/admin/v1${path}`, { body, headers: { authorization: `Bearer ${this.operatorKey}` } });
    if (answer.status !== expected) throw new Error(`${method} /admin/v1${path} answered ${answer.status}, not ${expected}: ${answer.text}`);
    return answer.json<T>();
  }

  /** Registers, grants and approves an ISV through the admin API and issues the key of its slot 1. */
  async onboardIsv(id: string, features: readonly FeatureFlag[], resourceId?: string): Promise<OnboardedIsv> {
    await this.admin('POST', '/isvs', 201, { id, displayName: `Token-use ${id}`, ...(resourceId ? { resourceId } : {}) });
    for (const feature of features) await this.admin('PUT', `/isvs/${id}/features/${feature}`, 200);
    await this.admin('POST', `/isvs/${id}/approve`, 200);
    const { subscriptionKey } = await this.admin<{ subscriptionKey: string }>('POST', `/isvs/${id}/keys/1`, 201);
    return { id, subscriptionKey };
  }

  /** `POST /sts/v1.0/issueLimitedAccessToken` as an ISV backend calls it, optionally with a DPoP proof. */
  issueLimitedAccessToken(
    isvKey: string,
    request: { resourceId: string; features: readonly FeatureFlag[]; expiredTime?: number; dpop?: string },
  ): Promise<IssuerAnswer> {
    const query = request.expiredTime === undefined ? '' : `?expiredTime=${request.expiredTime}`;
    return this.request('POST', `/sts/v1.0/issueLimitedAccessToken${query}`, {
      body: { targetAzureResourceId: request.resourceId, featureFlags: request.features },
      headers: { 'ocp-apim-subscription-key': isvKey, ...(request.dpop === undefined ? {} : { dpop: request.dpop }) },
    });
  }

  /** A limited access token, or the test fails with the issuer's refusal. */
  async mint(isvKey: string, request: Parameters<IssuerProcess['issueLimitedAccessToken']>[1]): Promise<string> {
    const answer = await this.issueLimitedAccessToken(isvKey, request);
    if (answer.status !== 200) throw new Error(`issueLimitedAccessToken answered ${answer.status}: ${answer.text}`);
    return answer.text;
  }

  /** `POST /sts/v1.0/issueToken`: the ISV's 10-minute `at+jwt` for its own resource (not a limited access token). */
  async issueAccessToken(isvKey: string): Promise<string> {
    const answer = await this.request('POST', '/sts/v1.0/issueToken', { headers: { 'ocp-apim-subscription-key': isvKey } });
    if (answer.status !== 200) throw new Error(`issueToken answered ${answer.status}: ${answer.text}`);
    return answer.text;
  }

  /** The published signing keys (`GET /.well-known/jwks.json`). */
  async jwks(): Promise<{ keys: { kid: string; kty: string; crv?: string; x?: string; alg?: string }[] }> {
    return (await this.request('GET', '/.well-known/jwks.json')).json();
  }

  /** The signing keys as the admin API lists them, with their status. */
  async signingKeys(): Promise<SigningKeyInfo[]> {
    return (await this.admin<{ keys: SigningKeyInfo[] }>('GET', '/signing-keys', 200)).keys;
  }

  /**
   * SIGTERM, as an orchestrator stops it, and waits for the exit (SIGKILL after 15 s); replicas first, and the
   * scratch database last, once no process holds a connection to it.
   * @returns the exit code (0 for a clean shutdown)
   */
  async stop(): Promise<number | null> {
    for (const replica of this.replicas.splice(0)) await replica.stop();
    let code: number | null = null;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      code = await this.exited;
      clearTimeout(timer);
    } else {
      code = await this.exited;
    }
    if (this.owner) {
      await this.shared.database.drop();
      await rm(this.shared.dataDir, { recursive: true, force: true });
    }
    return code;
  }
}
