import type { Readable } from 'node:stream';

/**
 * The contract every messaging channel implements (WhatsApp Cloud API; Messenger and Instagram through Meta's
 * Send API; Telegram's Bot API), and Herald's own, provider-neutral message content. Field names are Herald's
 * (camelCase); each adapter translates them to its provider's wire format and refuses what its platform cannot
 * carry (docs/CHANNELS.md has the matrix).
 */

/** The channels Herald speaks. A new provider adds its name here. */
export const CHANNEL_KINDS = ['whatsapp', 'messenger', 'instagram', 'telegram'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export function isChannelKind(value: unknown): value is ChannelKind {
  return typeof value === 'string' && (CHANNEL_KINDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------------
// Outbound content: what `POST /v1/messages` accepts under `type` and the key named like the type.
// ---------------------------------------------------------------------------------------------------------

/** What WhatsApp carries (Meta's Cloud API message types). */
export const WHATSAPP_MESSAGE_TYPES = ['text', 'template', 'image', 'video', 'audio', 'document', 'sticker', 'interactive', 'location'] as const;
/** Every kind of content Herald sends; each channel carries a subset (`buttons` and `cards` are not WhatsApp's). */
export const OUTBOUND_MESSAGE_TYPES = [...WHATSAPP_MESSAGE_TYPES, 'buttons', 'cards'] as const;
export type OutboundMessageType = (typeof OUTBOUND_MESSAGE_TYPES)[number];

/**
 * Meta's message tags (Messenger; Instagram takes only HUMAN_AGENT): they let a non-promotional message go out
 * after the 24-hour window has closed. HUMAN_AGENT: a person's reply, up to 7 days after the user's last message.
 */
export const MESSAGING_TAGS = ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE', 'HUMAN_AGENT'] as const;
export type MessagingTag = (typeof MESSAGING_TAGS)[number];

/** A media file the provider fetches from a public http(s) URL. */
export interface MediaLink {
  readonly link: string;
}
export interface CaptionedMedia extends MediaLink {
  readonly caption?: string;
}
export interface DocumentMedia extends CaptionedMedia {
  /** Shown to the recipient; the extension picks the icon. */
  readonly filename?: string;
}

interface MessageBase {
  /** The provider's id of an earlier message this one replies to (quoted in the chat). */
  readonly replyTo?: string;
  /** Messenger and Instagram: the tag that lets this message go out after the 24-hour window (see MESSAGING_TAGS). */
  readonly tag?: MessagingTag;
}

/** A tappable suggestion under a text (Messenger and Instagram quick replies): a tap comes back with `payload`. */
export interface QuickReply {
  readonly title: string;
  readonly payload: string;
}

export interface TextMessage extends MessageBase {
  readonly type: 'text';
  readonly text: {
    readonly body: string;
    readonly previewUrl?: boolean;
    /** Telegram: how the body is formatted (none when absent). */
    readonly parseMode?: 'MarkdownV2' | 'HTML';
  };
  /** Messenger and Instagram: up to 13 quick replies under the text. */
  readonly quickReplies?: readonly QuickReply[];
}
export interface ImageMessage extends MessageBase {
  readonly type: 'image';
  readonly image: CaptionedMedia;
}
export interface VideoMessage extends MessageBase {
  readonly type: 'video';
  readonly video: CaptionedMedia;
}
/** Audio takes no caption. */
export interface AudioMessage extends MessageBase {
  readonly type: 'audio';
  readonly audio: MediaLink;
}
export interface DocumentMessage extends MessageBase {
  readonly type: 'document';
  readonly document: DocumentMedia;
}
/** Stickers take no caption. */
export interface StickerMessage extends MessageBase {
  readonly type: 'sticker';
  readonly sticker: MediaLink;
}
export interface LocationMessage extends MessageBase {
  readonly type: 'location';
  readonly location: {
    readonly latitude: number;
    readonly longitude: number;
    readonly name?: string;
    readonly address?: string;
  };
}

/** A text value for a template variable; `parameterName` fills a named variable (`{{first_name}}`). */
export interface TemplateTextParameter {
  readonly type: 'text';
  readonly text: string;
  readonly parameterName?: string;
}
export type TemplateHeaderParameter =
  | TemplateTextParameter
  | { readonly type: 'image'; readonly image: MediaLink }
  | { readonly type: 'video'; readonly video: MediaLink }
  | { readonly type: 'document'; readonly document: { readonly link: string; readonly filename?: string } };
export type TemplateBodyParameter =
  | TemplateTextParameter
  | {
      readonly type: 'currency';
      readonly currency: { readonly fallbackValue: string; readonly code: string; readonly amount1000: number };
    }
  | { readonly type: 'date_time'; readonly dateTime: { readonly fallbackValue: string } };
export type TemplateButtonParameter =
  { readonly type: 'payload'; readonly payload: string } | { readonly type: 'text'; readonly text: string };

export interface TemplateHeaderComponent {
  readonly type: 'header';
  readonly parameters: readonly TemplateHeaderParameter[];
}
export interface TemplateBodyComponent {
  readonly type: 'body';
  readonly parameters: readonly TemplateBodyParameter[];
}
export interface TemplateButtonComponent {
  readonly type: 'button';
  /** quick_reply takes a `payload` parameter; url takes a `text` parameter (the URL's variable suffix). */
  readonly subType: 'quick_reply' | 'url';
  /** The button's position in the template, from 0. */
  readonly index: number;
  readonly parameters: readonly TemplateButtonParameter[];
}
export type TemplateComponent = TemplateHeaderComponent | TemplateBodyComponent | TemplateButtonComponent;

export interface TemplateMessage extends MessageBase {
  readonly type: 'template';
  readonly template: {
    readonly name: string;
    /** Language and locale code of the approved translation, e.g. `en_US`. */
    readonly language: string;
    /** Convenience: the body's variables in order, as text. Give this or `components`, not both. */
    readonly params?: readonly string[];
    readonly components?: readonly TemplateComponent[];
  };
}

export type InteractiveHeader =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image'; readonly image: MediaLink }
  | { readonly type: 'video'; readonly video: MediaLink }
  | { readonly type: 'document'; readonly document: { readonly link: string; readonly filename?: string } };

export interface ReplyButton {
  readonly type: 'reply';
  readonly reply: { readonly id: string; readonly title: string };
}
export interface ListRow {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
}
export interface ListSection {
  readonly title?: string;
  readonly rows: readonly ListRow[];
}
export interface ReplyButtonsContent {
  readonly type: 'button';
  readonly header?: InteractiveHeader;
  readonly body: { readonly text: string };
  readonly footer?: { readonly text: string };
  readonly action: { readonly buttons: readonly ReplyButton[] };
}
export interface ListContent {
  readonly type: 'list';
  readonly header?: { readonly type: 'text'; readonly text: string };
  readonly body: { readonly text: string };
  readonly footer?: { readonly text: string };
  /** `button` is the label of the button that opens the list. */
  readonly action: { readonly button: string; readonly sections: readonly ListSection[] };
}
export interface InteractiveMessage extends MessageBase {
  readonly type: 'interactive';
  readonly interactive: ReplyButtonsContent | ListContent;
}

/**
 * A button that opens a web page, or one whose press comes back to Herald as an inbound `button` message carrying
 * `payload` (Messenger postback, Telegram callback query).
 */
export type ActionButton =
  | { readonly type: 'url'; readonly title: string; readonly url: string }
  | { readonly type: 'postback'; readonly title: string; readonly payload: string };

/**
 * A text with buttons (WhautoChat's "template (text + buttons)"): Telegram's inline keyboard, Messenger's button
 * template.
 */
export interface ButtonsMessage extends MessageBase {
  readonly type: 'buttons';
  readonly buttons: { readonly text: string; readonly buttons: readonly ActionButton[] };
}

/** One card of a carousel: a title, an optional subtitle, image and link, and up to 3 buttons. */
export interface Card {
  readonly title: string;
  readonly subtitle?: string;
  readonly imageUrl?: string;
  /** Opened when the card itself is tapped. */
  readonly defaultUrl?: string;
  readonly buttons?: readonly ActionButton[];
}
/** Messenger's and Instagram's generic template: a carousel of up to 10 cards. */
export interface CardsMessage extends MessageBase {
  readonly type: 'cards';
  readonly cards: { readonly elements: readonly Card[] };
}

export type OutboundMessage =
  | ButtonsMessage
  | CardsMessage
  | TextMessage
  | ImageMessage
  | VideoMessage
  | AudioMessage
  | DocumentMessage
  | StickerMessage
  | TemplateMessage
  | InteractiveMessage
  | LocationMessage;

export interface SendRequest {
  /**
   * The recipient as the channel addresses it: on WhatsApp the number in E.164 with '+' (`+919739978284`); on
   * Messenger the page-scoped id (PSID), on Instagram the Instagram-scoped id (IGSID), on Telegram the chat id.
   */
  readonly to: string;
  /**
   * Messenger and Instagram: how the send relates to the 24-hour window (Meta's `messaging_type`), decided by the
   * pipeline's window check: `RESPONSE` inside it, `MESSAGE_TAG` (with the message's `tag`) outside it.
   */
  readonly messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  readonly message: OutboundMessage;
  /** Herald's message id: the provider echoes it in this message's status updates. */
  readonly callbackData: string;
  /**
   * Which of the provider's send endpoints takes the message. `messages` (the default) takes everything;
   * `marketing_messages` (Meta's Marketing Messages API) takes only marketing templates, and only for an account
   * onboarded to it (see `getMarketingMessagesOnboarding`). The body is the same on both.
   */
  readonly route?: 'messages' | 'marketing_messages';
  /**
   * The message was built by Herald from input it had already validated (a campaign's template and params), so
   * the adapter does not validate it again per recipient. Only for messages built in code, never for content
   * that comes straight from an API caller.
   */
  readonly prevalidated?: true;
}

// ---------------------------------------------------------------------------------------------------------
// Outcomes and errors
// ---------------------------------------------------------------------------------------------------------

/**
 * What a failure means for Herald, one category per policy (shared/PROVIDER-FACTS.md, "Error codes and what
 * to do"). Stable identifiers: they are stored and keyed on; never rename one.
 */
export type ProviderErrorCategory =
  /** The number's message throughput was exceeded: retry with backoff, slow the number down. */
  | 'throttled'
  /** Too many messages to this one recipient: retry that recipient later; others are unaffected. */
  | 'pair_rate_limited'
  /** The number's throughput is being raised: retry shortly. */
  | 'throughput_upgrade'
  /** The app's or the business account's API call limit: retry later. */
  | 'api_rate_limited'
  /** The provider or the network failed this time (5xx, timeout, connection): retry with backoff. */
  | 'transient'
  /** The access token no longer works: stop the channel, ask the user for a new one. */
  | 'auth_expired'
  /** The recipient cannot get messages (not on WhatsApp, old app): permanent; skip in later runs. */
  | 'not_on_whatsapp'
  /**
   * The recipient cannot be reached on this channel (blocked the bot or Page, never started a conversation with
   * it): permanent for this channel; skip the contact there in later sends.
   */
  | 'recipient_unreachable'
  /** Free-form message outside the 24-hour customer-service window: send a template instead. */
  | 'outside_service_window'
  /** The provider's per-user marketing cap: do not retry within 24 hours. */
  | 'marketing_cap'
  /** The recipient stopped marketing messages: permanent; record the opt-out. */
  | 'marketing_opt_out'
  /**
   * The recipient is in the provider's marketing experiment (Meta holds back marketing templates from a small
   * share of users): final for this message, never retry it; not the recipient's choice, so no opt-out.
   */
  | 'marketing_experiment'
  /** The number is spam-limited: stop sending on it and tell the user. */
  | 'spam_limited'
  /** The account is locked, blocked or has a payment problem: stop the channel. */
  | 'channel_blocked'
  /** Herald's request was refused as malformed or not allowed: permanent; report it. */
  | 'invalid_request'
  /** The template is missing, paused, disabled or got the wrong parameters: permanent; report it. */
  | 'template_problem'
  /** Nothing above applies. */
  | 'unknown';

export interface ProviderError {
  /** The provider's error code as a string (`"131026"`), or Herald's for failures with none (`"timeout"`). */
  readonly code: string;
  readonly title: string;
  readonly details: string;
  /** True when sending the same request again later may succeed. */
  readonly retriable: boolean;
  readonly category: ProviderErrorCategory;
  readonly httpStatus?: number;
  readonly docsUrl?: string;
  /** The least time to wait before a retry, when the provider says or its documentation advises one. */
  readonly retryAfterMs?: number;
  /** The provider's request trace id, for its support. */
  readonly traceId?: string;
}

/**
 * Accepted by the provider (not yet delivered), or refused. `held`: the provider accepted the message but holds
 * it for a quality assessment (Meta's template pacing): it is neither sent nor failed until a status update says
 * which, typically 30–60 minutes later. Absent when the message was accepted normally.
 */
export type SendOutcome =
  | {
      readonly ok: true;
      readonly providerMessageId: string;
      readonly recipientId?: string;
      readonly held?: boolean;
      /**
       * The platform reports no separate "sent" status (Messenger, Instagram, Telegram): its acceptance is the send,
       * so the send is recorded as `sent` at once.
       */
      readonly sent?: boolean;
    }
  | { readonly ok: false; readonly error: ProviderError };

// ---------------------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------------------

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export const TEMPLATE_STATUSES = [
  'PENDING',
  'APPROVED',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'LIMIT_EXCEEDED',
  'ARCHIVED',
] as const;
/** A template's review state; `UNKNOWN` when the provider reports a state Herald does not know yet. */
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number] | 'UNKNOWN';

/**
 * A template to submit for review. Variables are `{{1}}`, `{{2}}`… (positional) or `{{first_name}}` (named);
 * example values are given in the order the variables appear in the text.
 */
export interface TemplateDefinition {
  /** Lowercase letters, digits and underscores. */
  readonly name: string;
  readonly language: string;
  readonly category: TemplateCategory;
  /** Default `positional`. */
  readonly parameterFormat?: 'positional' | 'named';
  readonly header?:
    | { readonly format: 'text'; readonly text: string; readonly example?: string }
    /** A media header's example is a handle from Meta's Resumable Upload API, not a URL. */
    | { readonly format: 'image' | 'video' | 'document'; readonly exampleHandle: string };
  readonly body: { readonly text: string; readonly examples?: readonly string[] };
  readonly footer?: { readonly text: string };
  readonly buttons?: readonly TemplateButtonDefinition[];
}
export type TemplateButtonDefinition =
  | { readonly type: 'quick_reply'; readonly text: string }
  /** `example` is a full URL showing the variable filled in, required when `url` ends in a variable. */
  | { readonly type: 'url'; readonly text: string; readonly url: string; readonly example?: string }
  | { readonly type: 'phone_number'; readonly text: string; readonly phoneNumber: string };

export type TemplateRef = { readonly id: string } | { readonly name: string; readonly language?: string };

export interface TemplateState {
  readonly id: string;
  readonly name?: string;
  readonly language?: string;
  readonly category?: string;
  readonly status: TemplateStatus;
  /** The status exactly as the provider gave it. */
  readonly providerStatus: string;
  readonly rejectedReason?: string;
}

export type TemplateOutcome =
  { readonly ok: true; readonly template: TemplateState } | { readonly ok: false; readonly error: ProviderError };

/** An existing template's current category (it can change after approval) and review state. */
export type TemplateCategoryOutcome =
  | {
      readonly ok: true;
      readonly templateId: string;
      readonly category: TemplateCategory;
      readonly status: TemplateStatus;
    }
  | { readonly ok: false; readonly error: ProviderError };

/**
 * One component of a template exactly as the provider lists it (Meta: `{type: "HEADER", format: "IMAGE", example:
 * {header_handle: [...]}}`, `{type: "BODY", text, example}`, `{type: "BUTTONS", buttons: [...]}`…). Kept loose: the
 * provider adds fields over time and Herald passes them through.
 */
export interface ProviderTemplateComponent {
  readonly type?: string;
  readonly format?: string;
  readonly text?: string;
  readonly [field: string]: unknown;
}

/** A template's quality rating as Meta reports it; another string when it reports one Herald does not know. */
export type TemplateQualityScore = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';

/** A template as the provider lists it: review state, quality and the full components. */
export interface TemplateDetail {
  readonly id: string;
  readonly name: string;
  readonly language: string;
  /** As given, e.g. `MARKETING`. */
  readonly category: string;
  readonly status: TemplateStatus;
  /** The status exactly as the provider gave it. */
  readonly providerStatus: string;
  /** `GREEN`, `YELLOW`, `RED` or `UNKNOWN` (pending) as given; absent when the provider gave none. */
  readonly qualityScore?: TemplateQualityScore | (string & {});
  readonly rejectedReason?: string;
  readonly parameterFormat: 'positional' | 'named';
  /** The provider's components as listed (objects only). */
  readonly components: readonly ProviderTemplateComponent[];
}

/** Which page of templates: `after` is the `next` cursor of the previous page. */
export interface TemplatePageRequest {
  readonly after?: string;
  /** Templates per page (Meta's default is 25); Herald asks for 100 when not given. */
  readonly limit?: number;
}

/** One page of the account's templates; `next` is the cursor of the following page, absent on the last one. */
export type TemplateListOutcome =
  | { readonly ok: true; readonly templates: TemplateDetail[]; readonly next?: string }
  | { readonly ok: false; readonly error: ProviderError };

/** Which template to delete: every language of `name`, or only the one with provider id `id` (and that name). */
export interface TemplateDeleteRequest {
  readonly name: string;
  readonly id?: string;
}

export type TemplateDeleteOutcome = { readonly ok: true } | { readonly ok: false; readonly error: ProviderError };

/** A file to upload for a template's media header example. */
export interface MediaUploadRequest {
  readonly bytes: Uint8Array;
  /** e.g. `image/jpeg`, `image/png`, `video/mp4`, `application/pdf`. */
  readonly mimeType: string;
  readonly fileName?: string;
}

export interface MediaFetchOptions {
  /** Refuse a body larger than this (announced by Content-Length, or counted while reading). */
  readonly maxBytes: number;
  /** The whole fetch, redirects included. Default 15 s. */
  readonly timeoutMs?: number;
  /** Redirects followed at most. Default 3. */
  readonly maxRedirects?: number;
}

/**
 * A file fetched from an http(s) URL (a template header given as a URL, to be uploaded with `uploadMedia`).
 * `mimeType` is the answer's Content-Type as given ('' when it had none); `url` the address after redirects.
 */
export type MediaFetchOutcome =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly mimeType: string; readonly url: string }
  | { readonly ok: false; readonly error: ProviderError };

/**
 * A file a user sent, being streamed from the provider (`downloadMedia`). `body` yields the bytes as they arrive and
 * fails (errors the stream) if the file grows past the bound or the provider stalls; whoever takes it must read it
 * to the end or destroy it. `mimeType` is the provider's (its lookup, else the download's Content-Type); `fileSize`
 * and `sha256` are the provider's when it gave them.
 */
export type MediaDownloadOutcome =
  | {
      readonly ok: true;
      readonly mimeType: string;
      readonly fileSize: number | null;
      /** The download's own Content-Length, when it gave one: what `body` will yield (unless cut off). */
      readonly contentLength: number | null;
      readonly sha256: string | null;
      readonly body: Readable;
    }
  /** `gone`: the provider does not have the file (any more): an unknown or expired media id, or a 404 download. */
  | { readonly ok: false; readonly gone: boolean; readonly error: ProviderError };

/** `handle` goes into a media header's example (`TemplateDefinition.header.exampleHandle`). */
export type MediaUploadOutcome =
  { readonly ok: true; readonly handle: string } | { readonly ok: false; readonly error: ProviderError };

// ---------------------------------------------------------------------------------------------------------
// Account reads
// ---------------------------------------------------------------------------------------------------------

/**
 * The business's messaging limit: how many unique users it may reach outside a customer-service window in a
 * moving 24 hours, shared by every number of the business (portfolio). `limit` null = unlimited; `raw` is the
 * value exactly as the provider gave it (e.g. `TIER_2K`).
 */
export type MessagingLimitOutcome =
  | { readonly ok: true; readonly limit: number | null; readonly raw: string }
  | { readonly ok: false; readonly error: ProviderError };

/**
 * Whether the account may send marketing templates through the marketing route (`route: 'marketing_messages'`).
 * `status` is the provider's onboarding state as given (e.g. `ONBOARDED`, `ELIGIBLE`), null when it gave none.
 */
export type MarketingOnboardingOutcome =
  | { readonly ok: true; readonly onboarded: boolean; readonly status: string | null }
  | { readonly ok: false; readonly error: ProviderError };

/**
 * The business that owns the account (Meta: the business portfolio that owns the WABA). Meta counts the messaging
 * limit per portfolio, shared by all its accounts and their numbers. `business` is null when the answer names none;
 * `name` is null when it gives none.
 */
export type BusinessPortfolioOutcome =
  | { readonly ok: true; readonly business: { readonly id: string; readonly name: string | null } | null }
  | { readonly ok: false; readonly error: ProviderError };

// ---------------------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------------------

/**
 * One instance serves every channel of its kind: credentials come with each call, so a worker shares one
 * connection pool per provider origin across all workspaces. Methods never throw for provider or network
 * failures; they return `{ ok: false, error }`.
 */
export interface ChannelProvider<Credentials> {
  readonly channel: ChannelKind;
  /** Optional warm-up before the first send through these credentials in this process (connections, lookups). */
  prepare?(credentials: Credentials): Promise<void>;
  send(credentials: Credentials, request: SendRequest): Promise<SendOutcome>;
  createTemplate(credentials: Credentials, definition: TemplateDefinition): Promise<TemplateOutcome>;
  getTemplate(credentials: Credentials, ref: TemplateRef): Promise<TemplateOutcome>;
  /**
   * The category and status of the template with exactly this name and language. Answers may be cached for a
   * few minutes, so a change shows up that much later (status webhooks are the fast path).
   */
  getTemplateCategory(credentials: Credentials, name: string, language: string): Promise<TemplateCategoryOutcome>;
  /** The business's current messaging limit (unique users per moving 24 hours). */
  getMessagingLimit(credentials: Credentials): Promise<MessagingLimitOutcome>;
  /** Whether the account is onboarded to the provider's marketing route (Meta's Marketing Messages API). */
  getMarketingMessagesOnboarding(credentials: Credentials): Promise<MarketingOnboardingOutcome>;
  /** The business portfolio that owns the account: whose messaging limit the account's numbers share. */
  getBusinessPortfolio(credentials: Credentials): Promise<BusinessPortfolioOutcome>;
  /**
   * One page of the account's templates with their status, quality and components. Optional on the contract so
   * providers (and test fakes) without template management still satisfy it; the WhatsApp adapter has it.
   */
  listTemplates?(credentials: Credentials, page?: TemplatePageRequest): Promise<TemplateListOutcome>;
  /** Deletes every language of a template by name, or only the one with `id`. */
  deleteTemplate?(credentials: Credentials, ref: TemplateDeleteRequest): Promise<TemplateDeleteOutcome>;
  /** Uploads a file for a template's media header example and returns its handle. */
  uploadMedia?(credentials: Credentials, file: MediaUploadRequest): Promise<MediaUploadOutcome>;
  /** GETs a file from an http(s) URL for `uploadMedia` (bounded in size, time and redirects). */
  fetchMedia?(url: string, options: MediaFetchOptions): Promise<MediaFetchOutcome>;
  /**
   * Streams a file a user sent (an inbound message's media id) from the provider, bounded in size. Optional like
   * `uploadMedia`: providers (and test fakes) without inbound media still satisfy the contract.
   */
  downloadMedia?(credentials: Credentials, mediaId: string, options?: { maxBytes?: number; timeoutMs?: number }): Promise<MediaDownloadOutcome>;
  /** Closes idle connections; pending requests finish first. */
  close(): Promise<void>;
}
