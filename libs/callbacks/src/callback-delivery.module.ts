import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CallbackDeliverer } from './callback-deliverer.service';
import { CallbackDeliveryRepository } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { CallbackHttp } from './callback-http.adapter';

/** What a worker needs to deliver callbacks (the outbox and URL guard come from the global CallbacksModule). */
@Module({
  providers: [CallbackDeliverer, CallbackHttp, CallbackEndpointRepository, CallbackDeliveryRepository, Clock],
  exports: [CallbackDeliverer],
})
export class CallbackDeliveryModule {}
