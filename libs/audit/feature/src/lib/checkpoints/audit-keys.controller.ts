import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Public } from '@latchkey/http';
import type { PublicJwks } from '@latchkey/tokens';
import { AuditSigningKey } from './audit-signing-key';

/** The audit service's public key: what `latchkey audit verify` and anyone holding a checkpoint verifies it with. */
@Controller('.well-known')
export class AuditKeysController {
  constructor(private readonly key: AuditSigningKey) {}

  @Get('jwks.json')
  @Public()
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'The public key that verifies this audit service’s checkpoints (lk-audit-checkpoint+jwt)' })
  @ApiResponse({ status: 200, description: '{ keys: [ { kty, crv, x, kid, alg, use } ] }' })
  jwks(): PublicJwks {
    return this.key.publicJwks();
  }
}
