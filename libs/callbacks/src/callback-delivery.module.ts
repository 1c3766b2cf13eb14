import { Module } from '@nestjs/common';
import { ChannelsModule } from '@herald/channels';
import { Clock } from '@herald/common';
import { CallbackDeliverer } from './callback-deliverer.service';
import { CallbackDeliveryRepository } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { CallbackHttp } from './callback-http.adapter';
import { CallbackRetention } from './callback-retention.service';

/**
 * What a worker needs to deliver callbacks, and to delete the finished ones after CALLBACK_RETENTION_DAYS (the outbox
 * and URL guard come from the global CallbacksModule). The channels library tells a vendor format the sending number
 * an event is about (its public ChannelsService, never its tables).
 */
@Module({
  imports: [ChannelsModule],
  providers: [CallbackDeliverer, CallbackRetention, CallbackHttp, CallbackEndpointRepository, CallbackDeliveryRepository, Clock],
  exports: [CallbackDeliverer, CallbackRetention],
})
export class CallbackDeliveryModule {}
