import { Module, type OnModuleInit } from '@nestjs/common';
import { AlertRepository } from '@latchkey/abuse-detector/data-access';
import { configToken, ConfigSliceModule, type ConfigOf } from '@latchkey/config';
import { ErrorMappingRegistry } from '@latchkey/http';
import { CasesModule } from '../cases/cases.module';
import { ABUSE_CLOCK, type Clock } from '../detection/detection-rules';
import { ABUSE_ISSUER_KEYS, AbuseIssuerKeysModule, type AbuseIssuerKeys } from '../issuer-keys/issuer-keys.module';
import { leakIntakeConfig } from './leak-intake.config';
import { LeakIntakeController } from './leak-intake.controller';
import { LEAK_INTAKE_WIRE_ERRORS } from './leak-intake-wire-errors';
import { LEAKED_TOKEN_IDENTIFIER, REPORTER_KEYS } from './leak-intake.tokens';
import { LeakedTokenVerifier, type LeakedTokenIdentifier } from './leaked-token-verifier';
import { ReportLeakedTokensUseCase } from './report-leaked-tokens.use-case';
import { DisabledReporterKeys, parseReporterKeys, RemoteReporterKeys, StaticReporterKeys, type ReporterKeys } from './reporter-keys';

type LeakIntakeConfig = ConfigOf<typeof leakIntakeConfig>;

/** How long fetched reporter keys are used before the document is fetched again. */
const REPORTER_KEYS_MAX_AGE_MS = 3_600_000;

function reporterKeys(c: LeakIntakeConfig): ReporterKeys {
  const inline = c.LATCHKEY_ABUSE_LEAK_REPORTER_KEYS;
  const url = c.LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_URL;
  if (inline !== undefined && url !== undefined) {
    throw new Error('set LATCHKEY_ABUSE_LEAK_REPORTER_KEYS or LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_URL, not both');
  }
  if (inline !== undefined) return new StaticReporterKeys(parseReporterKeys(inline));
  if (url !== undefined)
    return new RemoteReporterKeys(url, { cooldownMs: c.LATCHKEY_ABUSE_LEAK_REPORTER_KEYS_COOLDOWN_MS, maxAgeMs: REPORTER_KEYS_MAX_AGE_MS });
  return new DisabledReporterKeys();
}

/**
 * The leaked-token intake (POST /abuse/v1/leaked-tokens): reports in the
 * secret scanning partner format, authenticated by the reporter's signature
 * (keys inline or fetched and cached), each reported token verified against
 * the issuer's JWKS (AbuseIssuerKeysModule); ours are revoked by `jti` and
 * raise an alert.
 */
@Module({
  imports: [ConfigSliceModule.forSlice(leakIntakeConfig), AbuseIssuerKeysModule, CasesModule],
  controllers: [LeakIntakeController],
  providers: [
    { provide: REPORTER_KEYS, inject: [configToken(leakIntakeConfig)], useFactory: reporterKeys },
    {
      provide: LEAKED_TOKEN_IDENTIFIER,
      inject: [ABUSE_ISSUER_KEYS],
      useFactory: (issuer: AbuseIssuerKeys): LeakedTokenIdentifier => new LeakedTokenVerifier(issuer),
    },
    AlertRepository,
    ReportLeakedTokensUseCase,
    { provide: ABUSE_CLOCK, useValue: ((): Date => new Date()) satisfies Clock },
  ],
})
export class LeakIntakeModule implements OnModuleInit {
  constructor(private readonly errors: ErrorMappingRegistry) {}

  onModuleInit(): void {
    this.errors.register(LEAK_INTAKE_WIRE_ERRORS);
  }
}
