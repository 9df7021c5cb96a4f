export { IssuerModule } from './lib/issuer.module';
export { SeedDemoIsvUseCase, DEMO_ISV_ID } from './lib/seed-demo-isv.use-case';
export { issuerConfig } from './lib/issuer.config';
export { SigningKeyService } from './lib/keys/signing-key.service';
