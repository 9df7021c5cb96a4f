export { IssuerModule } from './lib/issuer.module';
export { SeedDemoIsvUseCase, DEMO_ISV_ID } from './lib/seed-demo-isv.use-case';
export { issuerConfig } from './lib/issuer.config';
export { SigningKeyService } from './lib/keys/signing-key.service';
export { IsvAdministration, type NewIsv, type IssuingRightChange } from './lib/admin/isv-administration.use-case';
export {
  SubscriptionKeyAdministration,
  type IssuedSubscriptionKey,
  type SubscriptionKeyInfo,
} from './lib/admin/subscription-key-administration.use-case';
export { IssuerAdminError } from './lib/admin/issuer-admin.errors';
export { SubscriptionKeyDigester } from './lib/isv/subscription-key-digester';
