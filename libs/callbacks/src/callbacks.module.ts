import { Global, Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CallbackDeliveryRepository } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { CallbackOutbox } from './callback-outbox.service';
import { CallbackUrls } from './callback-urls.service';

/**
 * Callbacks: the outbox every library writes its events to, in its own transaction, and the URL guard
 * (`CallbackUrls.check`, for whoever accepts a callbackUrl). Global, because every library that changes something a
 * customer may subscribe to produces events. It needs only the database: the queues (for `kick`) and SECRETS_KEY (for
 * a callbackUrl on a workspace without a callback secret) are optional, so a process without them (the CLI) can
 * still record events; their deliveries are then enqueued by a worker's sweeper within a second.
 */
@Global()
@Module({
  providers: [CallbackOutbox, CallbackEndpointRepository, CallbackDeliveryRepository, CallbackUrls, Clock],
  exports: [CallbackOutbox, CallbackUrls],
})
export class CallbacksModule {}
