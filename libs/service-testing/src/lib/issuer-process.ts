import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { FeatureFlag } from '@latchkey/contracts';
import { ServiceProcess } from './service-process';
import { withServiceWorkspace, type ServiceWorkspace } from './service-workspace';

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
 * The real issuer, run as its own process exactly as deployed (ServiceProcess): a test of another service may
 * not import the issuer's feature lib (Nx scope rule), and a process boundary is what a resource server meets in
 * production anyway. It gets a scratch PostgreSQL database, the test Kafka, port 0 and its own secrets; it is
 * driven only through its HTTP API (operator admin API, STS, JWKS).
 */
export class IssuerProcess {
  private readonly replicas: IssuerProcess[] = [];

  private constructor(
    private readonly service: ServiceProcess,
    /** Its LATCHKEY_ISSUER_URL: the `iss` of its tokens and the `htu` base of issuance DPoP proofs. */
    readonly issuerUrl: string,
    private readonly shared: {
      readonly workspace: ServiceWorkspace;
      readonly secrets: IssuerSecrets;
      readonly settings: Readonly<Record<string, string>>;
    },
    private readonly owner: boolean,
  ) {}

  /**
   * Starts an issuer on a database of its own; `issuerUrl` is its public URL, deliberately not where it listens.
   * `settings` are more LATCHKEY_ISSUER_* variables, for it and its replicas.
   */
  static async start(issuerUrl: string, settings: Readonly<Record<`LATCHKEY_ISSUER_${string}`, string>> = {}): Promise<IssuerProcess> {
    const secrets: IssuerSecrets = {
      LATCHKEY_ISSUER_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_KEY_DIGEST_SECRET: randomBytes(32).toString('base64'),
      LATCHKEY_ISSUER_OPERATOR_KEY: `op-${randomBytes(32).toString('base64url')}`,
    };
    return withServiceWorkspace('issuer', (workspace) => IssuerProcess.spawn({ workspace, secrets, settings }, { issuerUrl }, true));
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
    const service = await ServiceProcess.start('issuer', {
      env: {
        DATABASE_URL: shared.workspace.database.url,
        LATCHKEY_DATA_DIR: shared.workspace.dataDir,
        LATCHKEY_ISSUER_URL: options.issuerUrl,
        // Replicas must see the primary's approvals and grants at once, not after the default second of caching.
        LATCHKEY_ISSUER_CACHE_TTL_MS: '0',
        ...shared.settings,
        ...shared.secrets,
        ...(options.clockSkewMs ? { LATCHKEY_TEST_CLOCK_SKEW_MS: String(options.clockSkewMs) } : {}),
      },
      preload: options.clockSkewMs ? [join(__dirname, 'skewed-clock.ts')] : [],
    });
    return new IssuerProcess(service, options.issuerUrl, shared, owner);
  }

  /** Where it really listens, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.service.url;
  }

  /** The operator key of its admin API (shared by its replicas). */
  get operatorKey(): string {
    return this.shared.secrets.LATCHKEY_ISSUER_OPERATOR_KEY;
  }

  /** Its stdout and stderr so far (the last 16 MB), for assertions that nothing secret was logged, and diagnostics. */
  logs(): string {
    return this.service.logs();
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
    const code = await this.service.stop();
    if (this.owner) await this.shared.workspace.dispose();
    return code;
  }
}
