import { randomBytes } from 'node:crypto';
import { ServiceProcess } from './service-process';
import { withServiceWorkspace, type ServiceWorkspace } from './service-workspace';

/** An alert as the detector's operator API lists it (`GET /admin/v1/alerts`). */
export interface ListedAlert {
  readonly id: string;
  readonly ruleId: string;
  readonly severity: 'low' | 'medium' | 'high' | 'critical';
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly subject: { readonly kind: string; readonly id: string };
  readonly isvId: string | null;
  readonly resourceId: string | null;
  readonly count: number;
  readonly evidenceEventIds: readonly string[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

/** An HTTP answer of the detector, read in full. */
export interface DetectorAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T>(): T;
}

/**
 * The real abuse detector, run as its own process exactly as deployed (ServiceProcess), on a scratch database and
 * the test Kafka, with an operator key of its own; driven only through its operator API. Its consumer groups are
 * fixed (`abuse-detector.rules`...), so it belongs on a broker of the test file's own (useOwnKafka).
 */
export class AbuseDetectorProcess {
  private constructor(
    private readonly service: ServiceProcess,
    private readonly workspace: ServiceWorkspace,
    private readonly operatorKey: string,
  ) {}

  /** Boots it; `settings` are more LATCHKEY_ABUSE_* variables (thresholds, the escalation policy). */
  static async start(settings: Readonly<Record<`LATCHKEY_ABUSE_${string}`, string>> = {}): Promise<AbuseDetectorProcess> {
    const operatorKey = `op-${randomBytes(32).toString('base64url')}`;
    return withServiceWorkspace('abuse-detector', async (workspace) => {
      const service = await ServiceProcess.start('abuse-detector', {
        env: {
          DATABASE_URL: workspace.database.url,
          LATCHKEY_DATA_DIR: workspace.dataDir,
          LATCHKEY_ABUSE_DETECTOR_OPERATOR_KEY: operatorKey,
          ...settings,
        },
      });
      return new AbuseDetectorProcess(service, workspace, operatorKey);
    });
  }

  /** Where it really listens. */
  get url(): string {
    return this.service.url;
  }

  /** Its scratch database, for a benchmark that reads when rows were written. */
  get databaseUrl(): string {
    return this.workspace.database.url;
  }

  /** Its stdout and stderr so far, for diagnostics and assertions that nothing secret was logged. */
  logs(): string {
    return this.service.logs();
  }

  /** `GET /admin/v1/alerts` as the operator calls it: every alert (at most 500), most recently seen first. */
  async alerts(status?: ListedAlert['status']): Promise<ListedAlert[]> {
    const query = new URLSearchParams({ limit: '500', ...(status === undefined ? {} : { status }) });
    const response = await fetch(`${this.url}/admin/v1/alerts?${query.toString()}`, { headers: { authorization: `Bearer ${this.operatorKey}` } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`GET /admin/v1/alerts answered ${response.status}: ${body}`);
    return (JSON.parse(body) as { alerts: ListedAlert[] }).alerts;
  }

  /** Any request over a real socket, with the given headers (an ISV's cases token, a leak reporter's signature…). */
  async request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<DetectorAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  /** A request to its operator API, with its operator key. */
  operator(method: string, path: string, body?: unknown): Promise<DetectorAnswer> {
    return this.request(method, path, { body, headers: { authorization: `Bearer ${this.operatorKey}` } });
  }

  /**
   * SIGTERM and wait, then drops its database.
   * @returns the exit code (0 for a clean shutdown)
   */
  async stop(): Promise<number | null> {
    const code = await this.service.stop();
    await this.workspace.dispose();
    return code;
  }
}
