import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import type { Isv } from '@latchkey/issuer/data-access';
import { DpopProofError, DpopReplayCache, verifyDpopProof } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { CLOCK, type Clock } from '../keys/signing-key.service';
import { IssuerError } from './issuer.errors';

/** The path a proof's `htu` must name, under LATCHKEY_ISSUER_URL. */
export const ISSUANCE_PATH = '/sts/v1.0/issueLimitedAccessToken';

/**
 * Proofs remembered for replay detection: the issuer's measured peak
 * (about 1,700 issuances/s, docs/BENCHMARKS.md) times the 65 s window,
 * with headroom. Beyond it the oldest are forgotten first (see DpopReplayCache).
 */
const REPLAY_CACHE_ENTRIES = 250_000;

/**
 * Sender-constrained issuance (RFC 9449): when the issuance request carries
 * a `DPoP` proof, the token is bound to the proof's key (`cnf.jkt`) and a
 * resource server must see a matching proof on every use. An ISV flagged
 * `dpopRequired` gets bound tokens only: a request without a proof is
 * refused. The vendor has no such thing; a request without a proof from
 * any other ISV is served exactly as the vendor documents.
 *
 * `htu` is checked against LATCHKEY_ISSUER_URL (the public URL), never the
 * request's Host header, which the client controls. Replays are caught per
 * instance: a proof replayed to another replica within its minute yields a
 * second token bound to the same key, useless without that key's private
 * half and still subject to the subscription key.
 */
@Injectable()
export class IssuanceDpopBinding {
  private readonly replays: DpopReplayCache;
  private readonly htu: string;

  constructor(
    @InjectConfig(issuerConfig) config: ConfigOf<typeof issuerConfig>,
    @Inject(CLOCK) private readonly now: Clock,
  ) {
    this.htu = config.LATCHKEY_ISSUER_URL.replace(/\/+$/, '') + ISSUANCE_PATH;
    this.replays = new DpopReplayCache({ maxEntries: REPLAY_CACHE_ENTRIES, now });
  }

  /**
   * The key thumbprint the token must be bound to, or undefined for a plain
   * token. Consumes the proof: the same proof is refused the second time.
   *
   * @throws IssuerError ISSUER.DPOP_PROOF_REQUIRED or ISSUER.DPOP_PROOF_INVALID (the DPOP.* reason in details)
   */
  async bindingFor(isv: Isv, proof: string | undefined): Promise<string | undefined> {
    if (proof === undefined) {
      if (!isv.dpopRequired) return undefined;
      throw new IssuerError('ISSUER.DPOP_PROOF_REQUIRED', 'This ISV issues sender-constrained tokens only: send a DPoP proof (RFC 9449).');
    }
    try {
      const verified = await verifyDpopProof(proof, { method: 'POST', url: this.htu, now: this.now() });
      if (!this.replays.claim(verified.jkt, verified.jti, verified.iat)) {
        throw new DpopProofError('DPOP.REPLAYED', 'this DPoP proof was already used');
      }
      return verified.jkt;
    } catch (error) {
      if (!(error instanceof DpopProofError)) throw error;
      throw new IssuerError('ISSUER.DPOP_PROOF_INVALID', `The DPoP proof is invalid: ${error.message}.`, { dpopReason: error.code });
    }
  }
}
