export { ExchangeModule } from './lib/exchange.module';
export { SeedDemoApplicationUseCase, DEMO_CLIENT_ID } from './lib/seed-demo-application.use-case';
