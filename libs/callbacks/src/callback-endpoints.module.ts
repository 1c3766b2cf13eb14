import { Module } from '@nestjs/common';
import { Clock } from '@herald/common';
import { CallbackDeliveryRepository } from './callback-delivery.repository';
import { CallbackEndpointRepository } from './callback-endpoint.repository';
import { CallbackEndpoints } from './callback-endpoints.service';
import { CallbackSecrets } from './callback-secrets.service';

/** What the API needs to manage endpoints, their delivery log and the workspace's callback secret (SECRETS_KEY). */
@Module({
  providers: [CallbackEndpoints, CallbackSecrets, CallbackEndpointRepository, CallbackDeliveryRepository, Clock],
  exports: [CallbackEndpoints, CallbackSecrets],
})
export class CallbackEndpointsModule {}
