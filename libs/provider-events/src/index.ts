export * from './webhook-intake.service';
export * from './webhook-applier.service';
export * from './webhook-recovery.service';
export * from './failed-webhook-events.service';
export * from './provider-events.module';
export { WebhookRepository, type StoredWebhook } from './webhook.repository';

import { FailedWebhookEvent, WebhookEvent } from './webhook-event.entity';
/** The tables this capability owns. */
export const PROVIDER_EVENT_ENTITIES = [WebhookEvent, FailedWebhookEvent];
