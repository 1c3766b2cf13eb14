import { Module } from '@nestjs/common';

/** Callback endpoints (outbound webhooks), their deliveries and the workspace's callback secret. */
@Module({})
export class CallbacksApiModule {}
