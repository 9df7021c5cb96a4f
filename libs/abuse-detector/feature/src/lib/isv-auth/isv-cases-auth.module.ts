import { Module, type OnModuleInit } from '@nestjs/common';
import { ErrorMappingRegistry } from '@latchkey/http';
import { ABUSE_ISSUER_KEYS, AbuseIssuerKeysModule, type AbuseIssuerKeys } from '../issuer-keys/issuer-keys.module';
import { ISV_CASES_AUTH_WIRE_ERRORS } from './isv-cases-auth-wire-errors';
import { ISV_CASES_VERIFIER, IsvCasesTokenVerifier } from './isv-cases-token.verifier';
import { IsvCasesGuard } from './isv-cases.guard';

/**
 * How ISVs authenticate to the cases API: cases tokens (the issuer's
 * `POST /isv/v1/cases-token`) verified offline against the issuer's JWKS,
 * shared with the leaked-token intake (AbuseIssuerKeysModule). A module with
 * ISV routes imports it and puts `@UseGuards(IsvCasesGuard)` on them; the
 * handlers read `@IsvCaller()`.
 */
@Module({
  imports: [AbuseIssuerKeysModule],
  providers: [
    {
      provide: ISV_CASES_VERIFIER,
      inject: [ABUSE_ISSUER_KEYS],
      useFactory: (issuer: AbuseIssuerKeys) => new IsvCasesTokenVerifier(issuer),
    },
    IsvCasesGuard,
  ],
  exports: [ISV_CASES_VERIFIER, IsvCasesGuard],
})
export class IsvCasesAuthModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(ISV_CASES_AUTH_WIRE_ERRORS);
  }
}
