import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EndpointDeclaration } from './endpoint-declarations';

/** How the registrar reaches the registry and how patiently it retries. */
export interface EndpointRegistrarOptions {
  readonly service: string;
  /** The registry, e.g. `http://127.0.0.1:3004/rbac/v1/endpoints`; the list goes to `<url>/<service>`. */
  readonly url: string;
  /** The rbac service's operator key; none means no registration (logged), unless `send` is given. */
  readonly key: string | undefined;
  /** Registers without HTTP (the rbac service itself, whose registry is in the same process). */
  readonly send?: (endpoints: readonly EndpointDeclaration[]) => Promise<Registration>;
  readonly endpoints: readonly EndpointDeclaration[];
  /** The first wait after a failure; it doubles up to `maxRetryDelayMs`. */
  readonly firstRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly timeoutMs?: number;
}

/** The registry's answer (docs/RBAC.md "Endpoint registry"). */
export interface Registration {
  readonly changed?: boolean;
  readonly permissionsAdded?: readonly string[];
}

/** A refusal that retrying cannot fix: the list or the key is wrong. */
class RegistrationRefused extends Error {
  override readonly name = 'RegistrationRefused';
}

/**
 * Sends the service's endpoint list to the rbac service's registry once the
 * app is up, in the background: the service starts and serves whether or not
 * the rbac service is reachable (its guarded endpoints fail closed without
 * decisions anyway), and a failed attempt is retried with a doubling wait
 * until it succeeds or the app stops. A 4xx answer (a list the registry
 * refuses, a wrong key) is logged as an error and not retried.
 */
export class EndpointRegistrar implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly stopping = new AbortController();
  private outcome: Promise<boolean> = Promise.resolve(false);

  constructor(private readonly options: EndpointRegistrarOptions) {
    this.logger = new Logger(`EndpointRegistrar:${options.service}`);
  }

  onApplicationBootstrap(): void {
    this.outcome = this.run();
  }

  onApplicationShutdown(): void {
    this.stopping.abort();
  }

  /** Resolves once registration ended: true when the registry took the list. */
  settled(): Promise<boolean> {
    return this.outcome;
  }

  private async run(): Promise<boolean> {
    const { key, service } = this.options;
    const target = `${this.options.url}/${encodeURIComponent(service)}`;
    if (key === undefined && this.options.send === undefined) {
      this.logger.warn({ msg: 'no rbac service key (LATCHKEY_<SERVICE>_RBAC_KEY): endpoints not registered', registry: target });
      return false;
    }
    let delay = this.options.firstRetryDelayMs ?? 1000;
    for (let attempt = 1; !this.stopping.signal.aborted; attempt++) {
      try {
        const registration = this.options.send ? await this.options.send(this.options.endpoints) : await this.send(target, key ?? '');
        this.logger.log({
          msg: 'endpoints registered at the rbac service',
          registry: target,
          endpoints: this.options.endpoints.length,
          changed: registration.changed ?? null,
          permissionsAdded: registration.permissionsAdded ?? [],
          attempt,
        });
        return true;
      } catch (error) {
        if (error instanceof RegistrationRefused) {
          this.logger.error({ msg: 'the rbac service refused the endpoint list; not retrying', registry: target, error: error.message });
          return false;
        }
        if (this.stopping.signal.aborted) return false;
        this.logger.warn({
          msg: 'rbac service unreachable; endpoint registration retries',
          registry: target,
          attempt,
          retryInMs: delay,
          error: (error as Error).message,
        });
      }
      await this.wait(delay);
      delay = Math.min(delay * 2, this.options.maxRetryDelayMs ?? 30_000);
    }
    return false;
  }

  private async send(target: string, key: string): Promise<Registration> {
    const response = await fetch(target, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(this.options.endpoints),
      redirect: 'error',
      signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.options.timeoutMs ?? 5000)]),
    });
    const text = await response.text();
    if (response.status >= 400 && response.status < 500)
      throw new RegistrationRefused(`the registry answered ${response.status}: ${text.slice(0, 512)}`);
    if (response.status !== 200) throw new Error(`the registry answered ${response.status}`);
    return JSON.parse(text) as Registration;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.stopping.signal.removeEventListener('abort', stop);
        resolve();
      }, ms);
      this.stopping.signal.addEventListener('abort', stop, { once: true });
    });
  }
}
