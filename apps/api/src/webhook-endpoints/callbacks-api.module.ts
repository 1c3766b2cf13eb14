import { Module } from '@nestjs/common';
import { CallbackEndpointsModule } from '@herald/callbacks';
import { CallbackSecretController } from './callback-secret.controller';
import { WebhookEndpointsController } from './webhook-endpoints.controller';

/** Callback endpoints (outbound webhooks), their deliveries and the workspace's callback secret. */
@Module({ imports: [CallbackEndpointsModule], controllers: [WebhookEndpointsController, CallbackSecretController] })
export class CallbacksApiModule {}
