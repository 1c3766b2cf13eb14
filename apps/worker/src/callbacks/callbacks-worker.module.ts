import { Module } from '@nestjs/common';

/** Delivers callback events to their endpoints. */
@Module({})
export class CallbacksWorkerModule {}
