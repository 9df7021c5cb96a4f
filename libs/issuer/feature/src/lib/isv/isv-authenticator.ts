import { Injectable } from '@nestjs/common';
import { IsvRepository, type Isv } from '@latchkey/issuer/data-access';
import { hashApiKey } from '@latchkey/tokens';
import { IssuerError } from '../issue/issuer.errors';

/**
 * Resolves `Ocp-Apim-Subscription-Key` to an ISV, for issuance and for the
 * ISV's self-service. A client resource's key is recognised by its prefix
 * and refused with its own code (the 2023 vendor text told ISVs to send it).
 */
@Injectable()
export class IsvAuthenticator {
  constructor(private readonly isvs: IsvRepository) {}

  async authenticate(key: string | undefined): Promise<Isv> {
    if (!key) throw new IssuerError('ISSUER.KEY_MISSING', 'The Ocp-Apim-Subscription-Key header is missing.');
    if (key.startsWith('lk_cli_')) {
      throw new IssuerError(
        'ISSUER.CLIENT_KEY_NOT_ISV',
        "This is a client resource's key. Tokens are issued with the ISV's own subscription key.",
      );
    }
    const isv = await this.isvs.findByKeyHash(hashApiKey(key));
    if (!isv) throw new IssuerError('ISSUER.KEY_INVALID', 'The subscription key is not valid.');
    return isv;
  }
}
