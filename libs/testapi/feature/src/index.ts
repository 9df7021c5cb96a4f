export { TestapiModule, TESTAPI_SERVICE } from './lib/testapi.module';
export { TestapiController, type TestapiAnswer } from './lib/testapi.controller';
