import { Module } from '@nestjs/common';
import { IssuedTokenRepository, IsvActivityRepository } from '@latchkey/abuse-detector/data-access';
import { IsvActivityConsumer } from './isv-activity.consumer';

/**
 * Per-ISV activity per minute (issued, used, refused) from the stream, for
 * the console's charts: the consumer that counts it, and the repository the
 * console reads it from.
 */
@Module({
  providers: [IsvActivityRepository, IssuedTokenRepository, IsvActivityConsumer],
  exports: [IsvActivityRepository],
})
export class IsvActivityModule {}
