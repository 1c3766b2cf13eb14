export * from './callback-event.types';
export * from './callbacks.types';
export * from './callback-formats';
export { CallbackOutbox, envelopeOf } from './callback-outbox.service';
export { CallbackUrls, CALLBACK_URL_MAX } from './callback-urls.service';
export { CallbackEndpoints } from './callback-endpoints.service';
export { CallbackSecrets } from './callback-secrets.service';
export {
  CallbackDeliverer,
  CALLBACK_BATCH,
  CALLBACK_CONCURRENCY,
  CALLBACK_LEASE_MS,
  type DeliveryRun,
} from './callback-deliverer.service';
export { CallbackRetention, CALLBACK_RETENTION_BATCH, type RetentionRun } from './callback-retention.service';
export { CALLBACK_TIMEOUT_MS } from './callback-http.adapter';
export {
  CALLBACK_RETRY_WINDOW_MS,
  CALLBACK_RETRY_CAP_MS,
  CALLBACK_DISABLE_AFTER_MS,
  retryDelayMs,
} from './callback-backoff.util';
export { verifyCallbackSignature, signatureHeader, SIGNATURE_HEADER } from './callback-signature.util';
export { PREVIOUS_SECRET_VALID_MS } from './callback-secret.util';
export * from './callbacks.module';
export * from './callback-delivery.module';
export * from './callback-endpoints.module';

import { CallbackDelivery } from './callback-delivery.entity';
import { CallbackEndpoint } from './callback-endpoint.entity';
import { CallbackEventRecord } from './callback-event.entity';
import { CallbackSecret } from './callback-secret.entity';
/** The tables this capability owns. */
export const CALLBACK_ENTITIES = [CallbackEndpoint, CallbackSecret, CallbackEventRecord, CallbackDelivery];
