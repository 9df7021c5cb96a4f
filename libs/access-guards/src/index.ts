export { RevocationCache, type Watermark } from './lib/revocation/revocation-cache';
export { RevocationModule } from './lib/revocation/revocation.module';
