import { CliError } from './cli-error';
import { EXIT, exitCodeForStatus } from './exit-codes';

/** How a request authenticates: an operator's bearer credential, an ISV's subscription key, or nothing (public routes). */
export type Credential = { readonly bearer: string } | { readonly subscriptionKey: string } | undefined;

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly credential?: Credential;
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

/** The services' error shape (Azure-style): `{ error: { code, message, innererror: { code, message } } }`. */
interface WireError {
  readonly error?: {
    readonly code?: unknown;
    readonly message?: unknown;
    readonly innererror?: { readonly code?: unknown; readonly message?: unknown };
  };
}

/**
 * Calls one service over HTTP. A refusal becomes a CliError whose exit code
 * says why (exit-codes.ts) and whose message names the service, the status
 * and the service's error codes and message: never the credential sent.
 */
export class ServiceClient {
  constructor(
    readonly service: string,
    readonly baseUrl: string,
    private readonly fetchImpl: typeof fetch,
  ) {}

  /** A request whose successful answer is JSON (or empty: undefined). */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`the ${this.service} service answered ${method} ${path} with something other than JSON`, EXIT.SERVER_ERROR);
    }
  }

  /** A request whose successful answer is read by the caller (a stream, a JWT); errors are thrown as for json(). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    const credential = options.credential;
    if (credential && 'bearer' in credential) headers['authorization'] = `Bearer ${credential.bearer}`;
    if (credential && 'subscriptionKey' in credential) headers['ocp-apim-subscription-key'] = credential.subscriptionKey;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new CliError(
        `the ${this.service} service at ${this.baseUrl} cannot be reached (${describeCause(error)}): is it running?`,
        EXIT.COULD_NOT_RUN,
      );
    }
    if (response.ok) return response;
    throw new CliError(await refusal(this.service, method, path, response), exitCodeForStatus(response.status));
  }
}

/** `the issuer service refused POST /x: 403 PermissionDenied (IsvNotApproved): the ISV is not approved` */
async function refusal(service: string, method: string, path: string, response: Response): Promise<string> {
  const body = (await response.json().catch(() => undefined)) as WireError | undefined;
  const error = body?.error;
  const codes = [error?.code, error?.innererror?.code].filter((c): c is string => typeof c === 'string' && c !== String(response.status));
  const message = [error?.innererror?.message, error?.message].find((m): m is string => typeof m === 'string' && m !== '');
  const hint = response.status === 401 ? ' (check --token, LATCHKEY_OPERATOR_TOKEN or the key)' : '';
  return `the ${service} service refused ${method} ${path.split('?')[0]}: ${response.status}${codes.length ? ` ${codes.join(' / ')}` : ''}${message ? `: ${message}` : ''}${hint}`;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
