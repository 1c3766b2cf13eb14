import type { ProviderError, TemplateStatus } from '../channel-provider.types';

/** What Herald needs to act for one WhatsApp business phone number. */
export interface WhatsAppCredentials {
  /** Graph root including the version, e.g. `https://graph.facebook.com/v26.0` (see DEFAULT_GRAPH_BASE_URL). */
  readonly graphBaseUrl: string;
  readonly phoneNumberId: string;
  /** The WhatsApp Business Account that owns the number and its templates. */
  readonly wabaId: string;
  /** A system-user or business access token with whatsapp_business_messaging (and _management). */
  readonly accessToken: string;
  /**
   * The Meta app the token belongs to: media uploads for template headers go to `/{app-id}/uploads` (Resumable
   * Upload API). When absent the adapter asks Graph (`GET /app` with the token) once per token and remembers it.
   */
  readonly appId?: string;
}

export interface WhatsAppCloudAdapterOptions {
  /**
   * Upper bound on open connections per Graph origin (PROVIDER_CONNECTIONS). Unset or 0: no bound, the pool
   * opens as many as the sends in flight need (rate × latency) and closes them when idle. A bound below that
   * queues sends and caps every number at bound ÷ latency messages per second.
   */
  readonly connections?: number;
  /** The whole request, from sending to the last byte of the answer. */
  readonly requestTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** How long an idle connection is kept open. */
  readonly keepAliveTimeoutMs?: number;
  readonly userAgent?: string;
  /** How long `getTemplateCategory` reuses an answer; 0 disables the cache. */
  readonly templateCacheTtlMs?: number;
  /** Most templates `getTemplateCategory` remembers. */
  readonly templateCacheSize?: number;
  /** The whole of one media upload request (the file's bytes); longer than `requestTimeoutMs` by default. */
  readonly uploadTimeoutMs?: number;
  /**
   * MEDIA_ALLOW_PRIVATE_URLS: `fetchMedia` may GET header media from loopback, private, link-local, CGNAT and
   * metadata addresses. Default false: the SSRF guard refuses them (`media_url_invalid`).
   */
  readonly mediaAllowPrivateUrls?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Webhooks (Meta → Herald), as parseWebhook returns them
// ---------------------------------------------------------------------------------------------------------

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read', 'failed', 'played'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface MessagePricing {
  readonly billable?: boolean;
  readonly pricingModel?: string;
  readonly category?: string;
  readonly type?: string;
}

/** A sent message's new state. Duplicates and any order happen: Meta retries deliveries for days. */
export interface StatusUpdate {
  readonly providerMessageId: string;
  readonly status: DeliveryStatus;
  readonly timestamp: Date;
  readonly recipientId: string;
  /** The business number it was sent from. */
  readonly phoneNumberId: string;
  readonly wabaId?: string;
  /** The send's `biz_opaque_callback_data`: Herald's message id. */
  readonly callbackData?: string;
  readonly errors?: readonly ProviderError[];
  readonly pricing?: MessagePricing;
}

export interface InboundMessage {
  readonly providerMessageId: string;
  /** The sender's WhatsApp id: their number without '+'. */
  readonly from: string;
  readonly timestamp: Date;
  /** Meta's message type: text, button, interactive, image, reaction, unsupported… */
  readonly type: string;
  readonly phoneNumberId: string;
  readonly wabaId?: string;
  readonly text?: string;
  /** A tapped template quick-reply button. */
  readonly button?: { readonly payload: string; readonly text: string };
  /** A tapped reply button or a chosen list row. */
  readonly interactive?: {
    readonly type: 'button_reply' | 'list_reply';
    readonly id: string;
    readonly title: string;
    readonly description?: string;
  };
  /** An image, video, audio, document or sticker: the provider's media id (download it with `downloadMedia`). */
  readonly media?: InboundMedia;
  /** A shared location (a pin, or a place with a name and address). */
  readonly location?: InboundLocation;
  /** Shared contact cards, kept compact (see `InboundContactCard`). */
  readonly contacts?: readonly InboundContactCard[];
  /** A reaction to one of the business's messages; `emoji` is absent when the user removed their reaction. */
  readonly reaction?: { readonly messageId: string; readonly emoji?: string };
  /** The id of Herald's message the user replied to or tapped a button of. */
  readonly contextMessageId?: string;
  readonly profileName?: string;
  readonly errors?: readonly ProviderError[];
}

/**
 * A media file a user sent (Meta's webhook `image` | `video` | `audio` | `document` | `sticker` object). Meta keeps
 * the file for a while under `id` (its media pages: webhook media ids expire after 7 days); `sha256` is the file's
 * hash as Meta gives it.
 */
export interface InboundMedia {
  readonly id: string;
  readonly mimeType?: string;
  readonly sha256?: string;
  readonly caption?: string;
  /** Documents only. */
  readonly filename?: string;
  /** Stickers: an animated sticker. */
  readonly animated?: boolean;
  /** Audio: a voice note recorded in WhatsApp. */
  readonly voice?: boolean;
}

/** Meta's `location` object: coordinates in decimal degrees and, for a place, its name, address and url. */
export interface InboundLocation {
  readonly latitude: number;
  readonly longitude: number;
  readonly name?: string;
  readonly address?: string;
  readonly url?: string;
}

/**
 * One shared contact card, compact: the formatted name, phone numbers (with the WhatsApp id when the number is on
 * WhatsApp), email addresses and organisation. Addresses, birthdays and urls of Meta's card are not kept.
 */
export interface InboundContactCard {
  readonly name: string;
  readonly phones: ReadonlyArray<{ readonly phone: string; readonly waId?: string; readonly type?: string }>;
  readonly emails: readonly string[];
  readonly organization?: string;
}

/** What `downloadMedia` can be told. */
export interface MediaDownloadOptions {
  /** Refuse a file larger than this (announced, or counted while streaming). WhatsApp media is at most 100 MB. */
  readonly maxBytes?: number;
  /** How long to wait for each answer's headers, and for each gap between body chunks. */
  readonly timeoutMs?: number;
}

export interface TemplateStatusUpdate {
  readonly wabaId: string;
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
  readonly status: TemplateStatus;
  readonly providerStatus: string;
  /** Meta's reason, e.g. `INVALID_FORMAT`; `NONE` on approval. */
  readonly reason?: string;
  readonly category?: string;
  /** Meta's explanation when a template is paused, locked or unlocked (`other_info`). */
  readonly otherInfo?: { readonly title?: string; readonly description?: string };
  /** When a disabled template was (or will be) disabled (`disable_info.disable_date`), as Meta gave it. */
  readonly disableDate?: string;
  /** Why a template was rejected with INVALID_FORMAT and what to change (`rejection_info`). */
  readonly rejectionInfo?: { readonly reason?: string; readonly recommendation?: string };
  /** `entry.time` of the webhook, when it had one. */
  readonly at?: Date;
}

/** A template's quality rating changed (`message_template_quality_update`): GREEN, YELLOW, RED or UNKNOWN. */
export interface TemplateQualityUpdate {
  readonly wabaId: string;
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
  readonly previousQualityScore?: string;
  readonly newQualityScore: string;
  /** `entry.time` of the webhook, when it had one. */
  readonly at?: Date;
}

/**
 * A template's category changed, or is going to (`template_category_update`). `completed`: the category is now
 * `newCategory` (was `previousCategory`). `impending`: Meta will change it from `newCategory` (the current one) to
 * `correctCategory` at `effectiveAt`; nothing changed yet.
 */
export interface TemplateCategoryUpdate {
  readonly wabaId: string;
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
  readonly kind: 'completed' | 'impending';
  readonly previousCategory?: string;
  readonly newCategory: string;
  readonly correctCategory?: string;
  /** For an impending change: when it takes effect (`category_update_timestamp`). */
  readonly effectiveAt?: Date;
  /** `entry.time` of the webhook, when it had one. */
  readonly at?: Date;
}

/** An error about the number or the account rather than one message (`value.errors`). */
export interface AccountError {
  readonly phoneNumberId: string;
  readonly wabaId?: string;
  readonly error: ProviderError;
}

/** A part of the payload that was skipped, and why. */
export interface WebhookProblem {
  readonly path: string;
  readonly issue: string;
}

export interface ParsedWebhook {
  /** The business number of the first change (a POST usually concerns one); each item carries its own. */
  readonly phoneNumberId?: string;
  readonly statuses: StatusUpdate[];
  readonly inbound: InboundMessage[];
  readonly templateStatusUpdates: TemplateStatusUpdate[];
  readonly templateQualityUpdates: TemplateQualityUpdate[];
  readonly templateCategoryUpdates: TemplateCategoryUpdate[];
  readonly accountErrors: AccountError[];
  readonly problems: WebhookProblem[];
}
