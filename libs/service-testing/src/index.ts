export { startServiceUnderTest, type ServiceUnderTest } from './lib/service-under-test';
