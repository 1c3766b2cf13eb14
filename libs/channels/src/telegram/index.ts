export * from './telegram.constants';
export { TelegramAdapter, type TelegramAdapterOptions } from './telegram.adapter';
export {
  TELEGRAM_ERROR_RULES,
  mapTelegramFailure,
  telegramTransportError,
  type TelegramErrorRule,
  type TelegramFailure,
} from './telegram-error.util';
export {
  parseTelegramMessageId,
  telegramMessageId,
  toTelegramCall,
  validateTelegramMessage,
  visibleLength,
  type TelegramCall,
  type TelegramJson,
  type TelegramJsonValue,
} from './telegram-message.util';
export { parseTelegramUpdate } from './telegram-webhook.util';
