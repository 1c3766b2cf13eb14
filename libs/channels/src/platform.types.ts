import type { MediaDownloadOutcome, OutboundMessage, ProviderError, SendOutcome, SendRequest } from './channel-provider.types';
import type { FieldIssue } from './whatsapp/outbound-message.util';
import type { InboundMessage } from './whatsapp/whatsapp.types';

/**
 * The chat platforms beside WhatsApp: Messenger and Instagram (Meta's Send API on the Graph host) and Telegram's
 * Bot API. Each adapter is one instance for every channel of its kind (credentials come with each call), never
 * throws for platform or network failures, and classifies errors into Herald's `ProviderErrorCategory` so the one
 * provider policy (libs/sending/src/send-policy.util.ts) acts on them as on WhatsApp's.
 */

/** Messenger or Instagram: which of Meta's two messaging products a Page or Instagram account speaks. */
export type MetaMessagingPlatform = 'messenger' | 'instagram';

export interface MetaMessagingCredentials {
  readonly platform: MetaMessagingPlatform;
  /**
   * Graph root with version, e.g. `https://graph.facebook.com/v23.0` (Messenger; Instagram with Facebook Login) or
   * `https://graph.instagram.com/v23.0` (Instagram with Instagram Login). Sends go to `<root>/<senderId>/messages`.
   */
  readonly graphBaseUrl: string;
  /** The Page id (Messenger), or the Instagram professional account's id (Instagram). */
  readonly senderId: string;
  /** The Page access token, or the Instagram user access token. */
  readonly accessToken: string;
}

export interface TelegramCredentials {
  /** `https://api.telegram.org` (or a simulator's root): calls go to `<root>/bot<token>/<method>`. */
  readonly apiBaseUrl: string;
  readonly botToken: string;
}

/** Who the credentials belong to, as the platform answers (checked when a channel is created). */
export type CredentialsCheck =
  | { readonly ok: true; readonly senderId: string; readonly name: string | null; readonly username?: string | null }
  | { readonly ok: false; readonly error: ProviderError };

export type PlatformCallOutcome = { readonly ok: true } | { readonly ok: false; readonly error: ProviderError };

/** What Messenger, Instagram and Telegram adapters offer the pipeline and the channels service. */
export interface PlatformAdapter<Credentials> {
  send(credentials: Credentials, request: SendRequest): Promise<SendOutcome>;
  /** Asks the platform who these credentials are (`GET /<id>?fields=…`, Telegram's `getMe`). */
  verifyCredentials(credentials: Credentials): Promise<CredentialsCheck>;
  /** Streams a file a user sent (Messenger/Instagram: the attachment's URL; Telegram: a `file_id`). */
  downloadMedia?(credentials: Credentials, mediaId: string, options?: { maxBytes?: number; timeoutMs?: number }): Promise<MediaDownloadOutcome>;
  close(): Promise<void>;
}

/** Telegram's calls beyond sending. */
export interface TelegramBotCalls {
  /** `setWebhook` with `secret_token` (echoed by Telegram in X-Telegram-Bot-Api-Secret-Token). */
  setWebhook(credentials: TelegramCredentials, url: string, secretToken: string): Promise<PlatformCallOutcome>;
  /** `answerCallbackQuery`, so the user's client stops showing a progress bar on the pressed button. */
  answerCallbackQuery(credentials: TelegramCredentials, callbackQueryId: string, text?: string): Promise<PlatformCallOutcome>;
}

/** Checks a message against what one platform carries; every problem names its field (`cards.elements[0].title`). */
export type PlatformMessageCheck = (message: OutboundMessage) => FieldIssue[];

// ---------------------------------------------------------------------------------------------------------
// Webhooks of Messenger, Instagram and Telegram, parsed into one shape
// ---------------------------------------------------------------------------------------------------------

/** A status of one message, by its id (Messenger `delivery.mids`, Instagram `messaging_seen.read.mid`). */
export interface PlatformStatus {
  readonly providerMessageId: string;
  readonly status: 'delivered' | 'read';
  readonly timestamp: Date;
  /** The user (PSID, IGSID). */
  readonly recipientId: string;
}

/**
 * Messenger's delivery and read watermarks: every message the business sent to `recipientId` at or before `upTo`
 * reached `status`. They name no message: Herald settles its sends to that user accepted up to then.
 */
export interface PlatformWatermark {
  readonly recipientId: string;
  readonly status: 'delivered' | 'read';
  readonly upTo: Date;
}

/**
 * A message, quick-reply tap, postback or button press from a user, in WhatsApp's inbound shape so one path
 * stores them all: `from` is the user's id on the platform (PSID, IGSID, Telegram chat id), `phoneNumberId` the
 * channel's sender id (Page id, Instagram account id, bot id). A press is `type: 'button'` with `button.payload`
 * (and `button.text`, the button's title when known); `contextMessageId` is the message it was on or replies to.
 * `callbackQueryId` (Telegram) is answered once the press is stored.
 */
export interface PlatformInbound extends InboundMessage {
  readonly callbackQueryId?: string;
}

/** The user can no longer be reached on this channel (Telegram: the bot was blocked, `my_chat_member` → kicked). */
export interface PlatformUnreachable {
  readonly recipientId: string;
  readonly at: Date;
  readonly reason: string;
}

export interface PlatformWebhook {
  readonly statuses: PlatformStatus[];
  readonly watermarks: PlatformWatermark[];
  readonly inbound: PlatformInbound[];
  readonly unreachable: PlatformUnreachable[];
  /** Parts skipped, and why (echoes of the business's own messages are skipped silently). */
  readonly problems: Array<{ readonly path: string; readonly issue: string }>;
}
