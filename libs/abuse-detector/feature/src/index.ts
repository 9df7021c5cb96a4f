export { AbuseDetectorModule } from './lib/abuse-detector.module';
