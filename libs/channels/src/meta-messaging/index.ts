export {
  META_INBOUND_MEDIA_MAX_BYTES,
  META_MESSAGING_ADAPTER_DEFAULTS,
  MetaMessagingAdapter,
  type MetaMessagingAdapterOptions,
} from './meta-messaging.adapter';
export {
  META_MESSAGING_ERROR_CODES_DOCS_URL,
  META_MESSAGING_ERROR_POLICIES,
  mapMetaMessagingFailure,
  metaMessagingErrorPolicy,
  regainAccessMs,
  type MetaMessagingErrorPolicy,
  type MetaMessagingFailure,
} from './meta-messaging-error.util';
export {
  META_MESSAGE_TYPES,
  META_MESSAGING_LIMITS,
  META_MESSAGING_TAGS,
  toMetaMessage,
  toMetaSendBody,
  validateInstagramMessage,
  validateMessengerMessage,
  validateMetaMessage,
  type MetaJson,
  type MetaMessagingType,
} from './meta-messaging-message.util';
export { parseMetaMessagingWebhook } from './meta-messaging-webhook.util';
