import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectConfig, type ConfigOf } from '@latchkey/config';
import { Public } from '@latchkey/http';
import { issuerMetadata, type IssuerMetadata, type PublicJwks } from '@latchkey/tokens';
import { issuerConfig } from '../issuer.config';
import { SigningKeyService } from './signing-key.service';

/** Where verifiers find the issuer's public keys, offline from then on. */
@ApiTags('Keys')
@Controller('.well-known')
export class WellKnownController {
  constructor(
    private readonly keys: SigningKeyService,
    @InjectConfig(issuerConfig) private readonly config: ConfigOf<typeof issuerConfig>,
  ) {}

  @Get('jwks.json')
  @Public()
  // Short enough that a rotation is seen within minutes; verifiers also refetch on an unknown kid.
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public signing keys (active and retiring)' })
  jwks(): PublicJwks {
    return this.keys.current().publicJwks();
  }

  @Get('openid-configuration')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Issuer metadata naming the issuer and its JWKS URL' })
  metadata(): IssuerMetadata {
    const issuer = this.config.LATCHKEY_ISSUER_URL.replace(/\/+$/, '');
    return issuerMetadata({ issuer, jwksUri: `${issuer}/.well-known/jwks.json` });
  }
}
