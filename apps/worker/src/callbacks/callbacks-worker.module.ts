import { Module } from '@nestjs/common';
import { CallbackDeliveryModule } from '@herald/callbacks';
import { CallbacksProcessor } from './callbacks.processor';
import { CallbackSweeper } from './callback-sweeper.service';

/**
 * Delivers callback events to their endpoints: the queue's processor and the sweeper that keeps jobs in step with
 * Postgres. Re-exports the delivery module, so the maintenance processor can run the outbox's retention.
 */
@Module({
  imports: [CallbackDeliveryModule],
  providers: [CallbacksProcessor, CallbackSweeper],
  exports: [CallbackDeliveryModule],
})
export class CallbacksWorkerModule {}
