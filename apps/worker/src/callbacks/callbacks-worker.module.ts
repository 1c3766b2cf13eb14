import { Module } from '@nestjs/common';
import { CallbackDeliveryModule } from '@herald/callbacks';
import { CallbacksProcessor } from './callbacks.processor';
import { CallbackSweeper } from './callback-sweeper.service';

/** Delivers callback events to their endpoints: the queue's processor and the sweeper that keeps jobs in step with Postgres. */
@Module({ imports: [CallbackDeliveryModule], providers: [CallbacksProcessor, CallbackSweeper] })
export class CallbacksWorkerModule {}
