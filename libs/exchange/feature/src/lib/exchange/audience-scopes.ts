import { Injectable } from '@nestjs/common';
import { ConfigError, InjectConfig, type ConfigOf } from '@latchkey/config';
import { ADMIN_SCOPE } from '@latchkey/contracts';
import { gatewayConfig, type Upstream } from '../gateway/gateway.config';
import { exchangeTokensConfig } from '../tokens/exchange-tokens.config';

/**
 * Which scopes belong to which audience the exchange mints for: each
 * upstream API's declared `scopes` (LATCHKEY_EXCHANGE_UPSTREAMS; upstreams
 * sharing an audience share their scopes) and, for the admin APIs' audience
 * (LATCHKEY_EXCHANGE_ADMIN_AUDIENCE), `latchkey.admin` alone, the only scope
 * their guard reads. A token is never minted for an audience with a scope
 * that is not its own, whatever the OAuth application allows: an application
 * allowed `testapi.read` and `latchkey.admin` must not get an admin token
 * carrying `testapi.read`, nor a testapi token carrying `latchkey.admin`.
 */
export class AudienceScopeCatalogue {
  private readonly scopes: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly known: ReadonlySet<string>;
  /** The upstream APIs' audiences, each once, in configuration order (the admin audience is not among them). */
  readonly upstreamAudiences: readonly string[];
  /** Every scope some audience declares, each once, sorted: the only scopes a token can ever carry. */
  readonly knownScopes: readonly string[];

  /** @throws ConfigError when an upstream API claims the admin APIs' audience. */
  constructor(upstreams: Readonly<Record<string, Upstream>>, adminAudience: string) {
    const scopes = new Map<string, Set<string>>();
    for (const [api, upstream] of Object.entries(upstreams)) {
      if (upstream.audience === adminAudience) {
        throw new ConfigError([
          {
            variable: 'LATCHKEY_EXCHANGE_UPSTREAMS',
            slice: 'exchange-gateway',
            problem: `${api}.audience: is the admin APIs' audience (LATCHKEY_EXCHANGE_ADMIN_AUDIENCE); the admin APIs are not behind the gateway`,
          },
        ]);
      }
      const own = scopes.get(upstream.audience) ?? new Set<string>();
      for (const scope of upstream.scopes) own.add(scope);
      scopes.set(upstream.audience, own);
    }
    this.upstreamAudiences = [...scopes.keys()];
    scopes.set(adminAudience, new Set([ADMIN_SCOPE]));
    this.scopes = scopes;
    this.known = new Set([...scopes.values()].flatMap((own) => [...own]));
    this.knownScopes = [...this.known].sort();
  }

  /** Whether the exchange mints tokens for `audience` at all. */
  serves(audience: string): boolean {
    return this.scopes.has(audience);
  }

  /** The requested scopes that do not belong to `audience` (all of them when the exchange does not serve it), in request order. */
  foreignScopes(audience: string, requested: readonly string[]): string[] {
    const own = this.scopes.get(audience);
    return requested.filter((scope) => own === undefined || !own.has(scope));
  }

  /** The given scopes that no audience declares (a token could never carry them), in the given order. */
  unknownScopes(scopes: readonly string[]): string[] {
    return scopes.filter((scope) => !this.known.has(scope));
  }
}

/** The process's {@link AudienceScopeCatalogue}, from the gateway's upstreams and the admin audience, built once at boot. */
@Injectable()
export class AudienceScopes extends AudienceScopeCatalogue {
  constructor(
    @InjectConfig(gatewayConfig) gateway: ConfigOf<typeof gatewayConfig>,
    @InjectConfig(exchangeTokensConfig) tokens: ConfigOf<typeof exchangeTokensConfig>,
  ) {
    super(gateway.LATCHKEY_EXCHANGE_UPSTREAMS, tokens.LATCHKEY_EXCHANGE_ADMIN_AUDIENCE);
  }
}
