/** Where Telegram explains its answers (`ok`, `error_code`, `description`, `parameters`); linked from every error. */
export const TELEGRAM_ERRORS_DOCS_URL = 'https://core.telegram.org/bots/api#making-requests';

export const DEFAULT_TELEGRAM_API_BASE_URL = 'https://api.telegram.org';

/**
 * The updates Herald asks Telegram for (`setWebhook`'s `allowed_updates`): a user's messages, their presses of
 * inline buttons, and `my_chat_member`, which in a private chat arrives only when the user blocks or unblocks the
 * bot. Everything else (edits, channel posts, inline queries…) is left at Telegram.
 */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Limits the Bot API documents (characters unless named otherwise). */
export const TELEGRAM_LIMITS = {
  /** `sendMessage.text`, 1–4096 characters after entities parsing. */
  text: 4_096,
  /** `caption` of photos, videos and documents, 0–1024 characters after entities parsing. */
  caption: 1_024,
  /** `InlineKeyboardButton.callback_data`, 1–64 bytes (UTF-8). */
  callbackDataBytes: 64,
  /** Buttons on one inline keyboard: Telegram refuses more (`BUTTONS_TOO_MUCH`); Herald puts one a row. */
  buttons: 100,
  /** `answerCallbackQuery.text`, 0–200 characters. */
  answerText: 200,
  /** `setWebhook.secret_token`: 1–256 of A-Z, a-z, 0-9, _ and -. */
  secretToken: 256,
} as const;

/** Bots can download files of up to 20 MB with `getFile` (MB read as MiB). */
export const MAX_TELEGRAM_DOWNLOAD_BYTES = 20 * 1024 * 1024;
export const TELEGRAM_DOWNLOAD_TIMEOUT_MS = 30_000;

export const TELEGRAM_ADAPTER_DEFAULTS = {
  requestTimeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  /** An idle connection is closed after this long, so the extra connections of a burst do not stay open. */
  keepAliveTimeoutMs: 30_000,
} as const;
