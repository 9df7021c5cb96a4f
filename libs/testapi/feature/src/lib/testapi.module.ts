import { Module } from '@nestjs/common';
import { RbacGuardModule } from '@latchkey/access-guards';
import { MessagingModule } from '@latchkey/messaging';
import { TestapiController } from './testapi.controller';

/** The service's name: its port variable, its consumer groups, its entry in the endpoint registry. */
export const TESTAPI_SERVICE = 'testapi';

/**
 * The sample protected API: `GET|POST /testapi` behind RbacGuard (the
 * exchange's internal tokens, scopes, permissions decided by the rbac
 * service), reached through the exchange's gateway. RbacGuardModule
 * registers its endpoints at the rbac service at start, in the background.
 */
@Module({
  imports: [MessagingModule.forService({ service: TESTAPI_SERVICE }), RbacGuardModule.forService({ service: TESTAPI_SERVICE })],
  controllers: [TestapiController],
})
export class TestapiModule {}
