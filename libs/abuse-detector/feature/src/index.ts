export { AbuseDetectorModule } from './lib/abuse-detector.module';
export { abuseDetectorConfig } from './lib/abuse-detector.config';
export { abuseActionsConfig } from './lib/actions/abuse-actions.config';
export { abuseCasesConfig } from './lib/cases/abuse-cases.config';
export { abuseIssuerConfig } from './lib/issuer-keys/abuse-issuer.config';
export { leakIntakeConfig } from './lib/leaks/leak-intake.config';
export { abuseRulesConfig, rulesConfigFrom, type AbuseRulesConfig } from './lib/rules/abuse-rules.config';
export { defaultRules, RuleEngine } from './lib/rules/rule-engine';
export { DEFAULT_RULES_CONFIG, type RulesConfig } from './lib/rules/rules.config';
