import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { abuseCasesConfig } from './abuse-cases.config';
import { addressLiteral, isPublicAddress, webhookUrlProblem, type WebhookDestinationPolicy } from './webhook-destination';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address `hostname` resolves to (the DNS edge; tests inject what a name resolves to). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Injection token of the {@link HostResolver} the webhook sender uses. */
export const WEBHOOK_HOST_RESOLVER = Symbol('WEBHOOK_HOST_RESOLVER');

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every address in its order. */
export const systemHostResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

/**
 * Why an attempt failed, as recorded on the delivery and shown to operators
 * (`GET /admin/v1/cases/{id}`): a fixed category or the HTTP status, never
 * the response body, an address, a port or an error's own text, so the
 * record cannot serve as an oracle about what answers where.
 */
export type WebhookFailure =
  | 'destination not allowed'
  | 'DNS lookup failed'
  | 'timeout'
  | 'connection refused'
  | 'connection reset'
  | 'network unreachable'
  | 'TLS error'
  | 'invalid HTTP response'
  | 'connection failed'
  | 'signing failed'
  | `HTTP ${number}`;

/** What one attempt came to. `retry` false: trying again cannot help (the destination is refused by policy). */
export type WebhookOutcome =
  | { readonly delivered: true; readonly status: number }
  | { readonly delivered: false; readonly failure: WebhookFailure; readonly retry: boolean };

const REFUSED: WebhookOutcome = { delivered: false, failure: 'destination not allowed', retry: false };

/**
 * POSTs one webhook, guarding against server-side request forgery (OWASP).
 * The URL is checked again as it is stored (a row written before the rules,
 * or while the deployment allowed private networks, gets no pass); a host
 * name is resolved, every address it has must be public (unless
 * LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS), and the connection goes to
 * the address that was checked, handed to the socket by a `lookup` that
 * returns it (DNS rebinding: a second resolution could answer 127.0.0.1).
 * The host name still names the server for TLS (SNI, certificate check) and
 * the `Host` header. Redirects are never followed; the response body is
 * never read. The timeout covers the resolution, the connection and the
 * response's head.
 */
@Injectable()
export class WebhookSender {
  private readonly policy: WebhookDestinationPolicy;

  constructor(
    @InjectConfig(abuseCasesConfig) private readonly config: ConfigOf<typeof abuseCasesConfig>,
    @Inject(WEBHOOK_HOST_RESOLVER) private readonly resolve: HostResolver,
  ) {
    this.policy = { allowPrivateNetworks: config.LATCHKEY_ABUSE_WEBHOOK_ALLOW_PRIVATE_NETWORKS };
  }

  async post(target: string, headers: Readonly<Record<string, string>>, body: string): Promise<WebhookOutcome> {
    if (webhookUrlProblem(target, this.policy) !== undefined) return REFUSED;
    const url = new URL(target);
    const signal = AbortSignal.timeout(this.config.LATCHKEY_ABUSE_WEBHOOK_TIMEOUT_MS);
    let pinned: ResolvedAddress | undefined;
    try {
      pinned = await this.vetted(url.hostname, signal);
    } catch {
      return { delivered: false, failure: signal.aborted ? 'timeout' : 'DNS lookup failed', retry: true };
    }
    if (pinned === undefined) return REFUSED;
    try {
      const status = await send(url, pinned, headers, body, signal);
      return status >= 200 && status < 300 ? { delivered: true, status } : { delivered: false, failure: `HTTP ${status}`, retry: true };
    } catch (error) {
      return { delivered: false, failure: signal.aborted ? 'timeout' : failureOf(error), retry: true };
    }
  }

  /** The address to connect to, or undefined when the host (any of its addresses) is not allowed. */
  private async vetted(hostname: string, signal: AbortSignal): Promise<ResolvedAddress | undefined> {
    const literal = addressLiteral(hostname);
    const addresses: readonly ResolvedAddress[] =
      literal === undefined ? await abortable(this.resolve(hostname), signal) : [{ address: literal, family: isIP(literal) === 6 ? 6 : 4 }];
    if (addresses.length === 0) throw new Error('no address');
    // Every address, not only the one used: a name with one public and one internal address is refused whole.
    if (!this.policy.allowPrivateNetworks && !addresses.every((a) => isPublicAddress(a.address))) return undefined;
    return addresses[0];
  }
}

/** The HTTP status of a POST of `body` to `url`, connected to `pinned` whatever the name resolves to now. */
function send(url: URL, pinned: ResolvedAddress, headers: Readonly<Record<string, string>>, body: string, signal: AbortSignal): Promise<number> {
  // Node skips `lookup` for an address literal: then the host is the vetted address itself.
  const pin: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      // A connection of its own, made to the address just checked: a pooled keep-alive socket is keyed by host and port,
      // not by the address it reached. Webhooks are few.
      agent: false,
      lookup: pin,
      signal,
    });
    outgoing.on('response', (response: IncomingMessage) => {
      // The body is never read: nothing the ISV (or anything else) answers reaches the delivery record.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Rejects when `signal` aborts first (the resolver takes no signal). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** TLS failures: node's and OpenSSL's certificate codes, and EPROTO (what a failed handshake surfaces as, e.g. https to an http server). */
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$|EPROTO$)/;

/** The category of a failed connection, from the error's code only (its message names the address and port). */
export function failureOf(error: unknown): WebhookFailure {
  // Duck-typed, not `instanceof Error`: the error may come from another realm (node core under a test runner's VM).
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'connection failed';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'timeout';
  if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ENETDOWN' || code === 'EHOSTDOWN') return 'network unreachable';
  if (TLS_CODE.test(code)) return 'TLS error';
  if (code.startsWith('HPE_')) return 'invalid HTTP response';
  return 'connection failed';
}
