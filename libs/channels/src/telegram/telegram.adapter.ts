import type { MediaDownloadOutcome, ProviderError, SendOutcome, SendRequest } from '../channel-provider.types';
import { ProviderPools, type ProviderBase } from '../provider-pools.util';
import type {
  CredentialsCheck,
  PlatformAdapter,
  PlatformCallOutcome,
  TelegramBotCalls,
  TelegramCredentials,
} from '../platform.types';
import { invalidRequestError, isRecord } from '../whatsapp/graph-error.util';
import { streamMedia } from '../whatsapp/media-download.util';
import type { MediaDownloadOptions } from '../whatsapp/whatsapp.types';
import {
  MAX_TELEGRAM_DOWNLOAD_BYTES,
  TELEGRAM_ADAPTER_DEFAULTS,
  TELEGRAM_ALLOWED_UPDATES,
  TELEGRAM_DOWNLOAD_TIMEOUT_MS,
  TELEGRAM_LIMITS,
} from './telegram.constants';
import { mapTelegramFailure, redactToken, telegramTransportError } from './telegram-error.util';
import { telegramMessageId, toTelegramCall, validateTelegramMessage, type TelegramJson } from './telegram-message.util';

export interface TelegramAdapterOptions {
  /**
   * Upper bound on open connections per Bot API origin. Unset, null or 0: no bound, the pool opens as many as the
   * calls in flight need and closes them when idle (as the WhatsApp adapter's pool, which explains why).
   */
  readonly connections?: number | null;
  /** The whole call, from sending to the last byte of the answer. */
  readonly requestTimeoutMs?: number;
  readonly userAgent?: string;
}

/** A chat id as the Bot API takes it: an integer (negative for groups and channels) or `@channelusername`. */
const CHAT_ID = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
/** `<bot id>:<secret>`, as BotFather issues them; checked so nothing else ever lands in the URL path. */
const BOT_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{1,200}$/;
const SECRET_TOKEN = /^[A-Za-z0-9_-]+$/;
/** file_ids are URL-safe base64 strings. */
const FILE_ID = /^[A-Za-z0-9_-]{1,512}$/;
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** What `getFile` does not give: the type, told by the extension of `file_path` (`photos/file_0.jpg`). */
const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  mp4: 'video/mp4',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
};

type BotAnswer = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ProviderError };

/**
 * Telegram's Bot API over HTTP: sends messages, checks a bot's token, sets its webhook, answers button presses and
 * downloads files users sent. Every call is `POST <apiBaseUrl>/bot<token>/<method>` with a JSON body; one keep-alive
 * pool per origin serves every bot (credentials come with each call). Never throws for Telegram or network failures:
 * they come back as `{ok: false, error}` (telegram-error.util.ts says how they are classified).
 */
export class TelegramAdapter implements PlatformAdapter<TelegramCredentials>, TelegramBotCalls {
  private readonly pools: ProviderPools;
  private readonly requestTimeoutMs: number;
  private readonly userAgent: string;

  constructor(options: TelegramAdapterOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? TELEGRAM_ADAPTER_DEFAULTS.requestTimeoutMs;
    this.pools = new ProviderPools({
      connections: options.connections,
      requestTimeoutMs: this.requestTimeoutMs,
      connectTimeoutMs: TELEGRAM_ADAPTER_DEFAULTS.connectTimeoutMs,
      keepAliveTimeoutMs: TELEGRAM_ADAPTER_DEFAULTS.keepAliveTimeoutMs,
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    this.userAgent = options.userAgent ?? 'herald';
  }

  /**
   * Sends one message to the chat `request.to`. Telegram reports nothing after accepting a message (no delivered or
   * read), so an accepted send is `sent` at once. `callbackData` has no place on Telegram and is not sent.
   */
  async send(credentials: TelegramCredentials, request: SendRequest): Promise<SendOutcome> {
    if (!CHAT_ID.test(request.to)) {
      return { ok: false, error: invalidRequestError('invalid_recipient', `"${request.to}" is not a Telegram chat id.`) };
    }
    // Herald built it from input it validated already (a campaign's content): not again per recipient.
    if (request.prevalidated !== true) {
      const issues = validateTelegramMessage(request.message);
      if (issues.length > 0) {
        const details = issues.map((i) => `${i.field}: ${i.issue}`).join('; ');
        return { ok: false, error: invalidRequestError('invalid_message', details) };
      }
    }
    const call = toTelegramCall(request.to, request.message);
    if (call === undefined) {
      return {
        ok: false,
        error: invalidRequestError('invalid_message', `Telegram cannot carry a ${request.message.type} message.`),
      };
    }
    const answer = await this.call(credentials, call.method, call.body);
    if (!answer.ok) return answer;
    // The sent Message: `message_id` is unique only within `chat`, so Herald's id holds both.
    const result = isRecord(answer.result) ? answer.result : {};
    const chat = isRecord(result['chat']) ? result['chat'] : {};
    const chatId = idOf(chat['id']);
    const messageId = idOf(result['message_id']);
    if (chatId === undefined || messageId === undefined) {
      return { ok: false, error: unexpectedAnswer(`${call.method} was answered without the sent message's chat and id.`) };
    }
    return { ok: true, providerMessageId: telegramMessageId(chatId, messageId), recipientId: chatId, sent: true };
  }

  /** `getMe`: the bot behind the token. `senderId` is the bot's user id, which webhooks name the channel by. */
  async verifyCredentials(credentials: TelegramCredentials): Promise<CredentialsCheck> {
    const answer = await this.call(credentials, 'getMe', {});
    if (!answer.ok) return answer;
    const bot = isRecord(answer.result) ? answer.result : {};
    const id = idOf(bot['id']);
    if (id === undefined) return { ok: false, error: unexpectedAnswer('getMe was answered without the bot id.') };
    return {
      ok: true,
      senderId: id,
      name: typeof bot['first_name'] === 'string' ? bot['first_name'] : null,
      username: typeof bot['username'] === 'string' ? bot['username'] : null,
    };
  }

  /**
   * Points the bot's updates at `url`. Telegram echoes `secretToken` in X-Telegram-Bot-Api-Secret-Token on every
   * delivery, which is how Herald knows a POST came from Telegram (updates are not signed).
   */
  async setWebhook(credentials: TelegramCredentials, url: string, secretToken: string): Promise<PlatformCallOutcome> {
    if (secretToken.length > TELEGRAM_LIMITS.secretToken || !SECRET_TOKEN.test(secretToken)) {
      return {
        ok: false,
        error: invalidRequestError(
          'invalid_secret_token',
          `The secret token must be 1 to ${TELEGRAM_LIMITS.secretToken} of A-Z, a-z, 0-9, _ and -.`,
        ),
      };
    }
    const answer = await this.call(credentials, 'setWebhook', {
      url,
      secret_token: secretToken,
      allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
    });
    return answer.ok ? { ok: true } : answer;
  }

  /** Stops the progress bar on the pressed button; `text`, if any, shows as a notification at the top of the chat. */
  async answerCallbackQuery(
    credentials: TelegramCredentials,
    callbackQueryId: string,
    text?: string,
  ): Promise<PlatformCallOutcome> {
    if (text !== undefined && [...text].length > TELEGRAM_LIMITS.answerText) {
      return {
        ok: false,
        error: invalidRequestError(
          'invalid_answer_text',
          `The answer text must be at most ${TELEGRAM_LIMITS.answerText} characters.`,
        ),
      };
    }
    const answer = await this.call(credentials, 'answerCallbackQuery', {
      callback_query_id: callbackQueryId,
      ...(text === undefined ? {} : { text }),
    });
    return answer.ok ? { ok: true } : answer;
  }

  /**
   * Streams a file a user sent, by its `file_id`: `getFile` gives its `file_path`, then the file is fetched from
   * `<apiBaseUrl>/file/bot<token>/<file_path>` (valid for at least an hour). Bots can download files up to 20 MB,
   * the default bound. `gone` when Telegram does not know the file_id or the download answers 404.
   */
  async downloadMedia(
    credentials: TelegramCredentials,
    mediaId: string,
    options: MediaDownloadOptions = {},
  ): Promise<MediaDownloadOutcome> {
    if (!FILE_ID.test(mediaId)) {
      return { ok: false, gone: true, error: invalidRequestError('invalid_media_id', `"${mediaId}" is not a Telegram file_id.`) };
    }
    const maxBytes = options.maxBytes ?? MAX_TELEGRAM_DOWNLOAD_BYTES;
    const answer = await this.call(credentials, 'getFile', { file_id: mediaId });
    if (!answer.ok) {
      const gone =
        answer.error.category === 'invalid_request' &&
        /invalid file_?id|wrong file_?id|file not found/i.test(answer.error.details);
      return { ok: false, gone, error: answer.error };
    }
    const file = isRecord(answer.result) ? answer.result : {};
    const filePath = typeof file['file_path'] === 'string' && file['file_path'] !== '' ? file['file_path'] : undefined;
    if (filePath === undefined) {
      return { ok: false, gone: false, error: unexpectedAnswer('getFile was answered without a file_path.') };
    }
    const fileSize = typeof file['file_size'] === 'number' && Number.isSafeInteger(file['file_size']) ? file['file_size'] : null;
    if (fileSize !== null && fileSize > maxBytes) {
      return {
        ok: false,
        gone: false,
        error: {
          code: 'media_too_large',
          title: 'Media file too large',
          details: `The file has ${fileSize} bytes; at most ${maxBytes} are taken.`,
          retriable: false,
          category: 'invalid_request',
        },
      };
    }
    const base = this.baseOf(credentials);
    if (!base.ok) return { ok: false, gone: false, error: base.error };
    const path = filePath.split('/').map(encodeURIComponent).join('/');
    const extension = /\.([A-Za-z0-9]{1,5})$/.exec(filePath)?.[1]?.toLowerCase();
    const outcome = await streamMedia(
      {
        url: `${base.origin}${base.pathPrefix}/file/bot${credentials.botToken}/${path}`,
        mimeType: extension === undefined ? null : (MIME_BY_EXTENSION[extension] ?? null),
        sha256: null,
        fileSize,
      },
      // The file URL already carries the token; the header streamMedia sends adds nothing the server does not have.
      credentials.botToken,
      { maxBytes, timeoutMs: options.timeoutMs ?? TELEGRAM_DOWNLOAD_TIMEOUT_MS, userAgent: this.userAgent },
    );
    if (outcome.ok) return outcome;
    return { ...outcome, error: { ...outcome.error, details: redactToken(outcome.error.details, credentials.botToken) } };
  }

  close(): Promise<void> {
    return this.pools.close();
  }

  private baseOf(
    credentials: TelegramCredentials,
  ): ProviderBase | { readonly ok: false; readonly error: ProviderError } {
    const base = this.pools.base(credentials.apiBaseUrl, 'invalid_api_base_url');
    if (!base.ok) return base;
    if (!BOT_TOKEN.test(credentials.botToken)) {
      // A token of another shape was never issued by BotFather: the channel needs a new one, as for a revoked token.
      return {
        ok: false,
        error: {
          code: 'invalid_bot_token',
          title: 'Invalid bot token',
          details: 'The bot token is not of the form <bot id>:<secret> that BotFather issues.',
          retriable: false,
          category: 'auth_expired',
        },
      };
    }
    return base;
  }

  /** `POST <apiBaseUrl>/bot<token>/<method>` with a JSON body; `{ok: true, result}` or the mapped failure. */
  private async call(credentials: TelegramCredentials, method: string, body: TelegramJson): Promise<BotAnswer> {
    const base = this.baseOf(credentials);
    if (!base.ok) return base;
    try {
      const response = await this.pools.get(base.origin).request({
        method: 'POST',
        path: `${base.pathPrefix}/bot${credentials.botToken}/${method}`,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': this.userAgent },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      const raw = await response.body.text();
      const json = parseJson(raw);
      if (response.statusCode >= 200 && response.statusCode < 300 && isRecord(json) && json['ok'] === true) {
        return { ok: true, result: json['result'] };
      }
      const retryAfter = response.headers['retry-after'];
      return {
        ok: false,
        error: mapTelegramFailure({
          httpStatus: response.statusCode,
          body: json,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        }),
      };
    } catch (error) {
      return { ok: false, error: telegramTransportError(error, credentials.botToken) };
    }
  }
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) return value;
  return undefined;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Telegram accepted the call but the answer is not what it documents: the message may be out, so never resend blindly. */
function unexpectedAnswer(details: string): ProviderError {
  return { code: 'unexpected_response', title: 'Unexpected answer', details, retriable: false, category: 'unknown' };
}
