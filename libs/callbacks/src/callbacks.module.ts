import { Global, Module } from '@nestjs/common';
import { CallbackOutbox } from './callback-outbox.service';

/**
 * Callbacks: the outbox every library writes its events to, in its own transaction. Global, because every
 * library that changes something a customer may subscribe to produces events.
 */
@Global()
@Module({
  providers: [CallbackOutbox],
  exports: [CallbackOutbox],
})
export class CallbacksModule {}
