import { Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { IsvRepository, type Isv } from '@latchkey/issuer/data-access';
import { ReadThroughCache } from '../cache/read-through-cache';
import { IssuerError } from '../issue/issuer.errors';
import { issuerConfig } from '../issuer.config';
import { SubscriptionKeyDigester } from './subscription-key-digester';

/**
 * Resolves `Ocp-Apim-Subscription-Key` to an ISV, for issuance and for the
 * ISV's self-service. A client resource's key is recognised by its prefix
 * and refused with its own code (the 2023 vendor text told ISVs to send it).
 *
 * Lookups by key digest are kept for LATCHKEY_ISSUER_CACHE_TTL_MS (unknown
 * digests too, so a replayed bad key costs no round trip), which bounds how
 * late this instance sees an approval, grant or key change made elsewhere.
 * Revocations do not wait for it: they arrive as events and are checked on
 * every request.
 */
@Injectable()
export class IsvAuthenticator {
  private readonly byDigest: ReadThroughCache<Isv | undefined>;

  constructor(
    isvs: IsvRepository,
    private readonly digester: SubscriptionKeyDigester,
    @InjectConfig(issuerConfig) config: ConfigOf<typeof issuerConfig>,
  ) {
    this.byDigest = new ReadThroughCache((digest) => isvs.findByKeyDigest(digest), { ttlMs: config.LATCHKEY_ISSUER_CACHE_TTL_MS, max: 10_000 });
  }

  /** Drops every cached lookup: an operator changed an ISV or a key on this instance. */
  forgetAll(): void {
    this.byDigest.clear();
  }

  async authenticate(key: string | undefined): Promise<Isv> {
    if (!key) throw new IssuerError('ISSUER.KEY_MISSING', 'The Ocp-Apim-Subscription-Key header is missing.');
    if (key.startsWith('lk_cli_')) {
      throw new IssuerError(
        'ISSUER.CLIENT_KEY_NOT_ISV',
        "This is a client resource's key. Tokens are issued with the ISV's own subscription key.",
      );
    }
    const isv = await this.byDigest.get(this.digester.digest(key));
    if (!isv) throw new IssuerError('ISSUER.KEY_INVALID', 'The subscription key is not valid.');
    return isv;
  }
}
