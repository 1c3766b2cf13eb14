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
  readonly media?: { readonly id: string; readonly mimeType?: string; readonly caption?: string; readonly filename?: string };
  /** The id of Herald's message the user replied to or tapped a button of. */
  readonly contextMessageId?: string;
  readonly profileName?: string;
  readonly errors?: readonly ProviderError[];
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
  readonly accountErrors: AccountError[];
  readonly problems: WebhookProblem[];
}
