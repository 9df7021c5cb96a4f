import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { signResourceToken } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { IssuerError } from '../issue/issuer.errors';
import { IsvAuthenticator } from '../isv/isv-authenticator';
import { CLOCK, SigningKeyService, type Clock } from '../keys/signing-key.service';

/**
 * The vendor's pre-existing issueToken: a 10-minute bearer token (`at+jwt`)
 * for the subscription key's own resource, so a caller can stop sending the
 * key itself. Only ISV keys are known to the issuer; a client's resource
 * key belongs to the resource server that serves it.
 */
@Injectable()
export class IssueResourceTokenUseCase {
  constructor(
    private readonly authenticator: IsvAuthenticator,
    private readonly keys: SigningKeyService,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  async execute(subscriptionKey: string | undefined): Promise<string> {
    const isv = await this.authenticator.authenticate(subscriptionKey);
    if (!isv.resourceId) {
      throw new IssuerError('ISSUER.KEY_WITHOUT_RESOURCE', 'No resource is registered for this subscription key.');
    }
    const signed = await signResourceToken(
      { issuer: this.config.LATCHKEY_ISSUER_URL, resourceId: isv.resourceId, now: this.now() },
      this.keys.current().signingKey(),
    );
    return signed.token;
  }
}
