// What the simulator says back, in Meta's words: the Graph error codes it answers with, their titles and the
// HTTP status Meta pairs with each (inconsistent across codes on purpose: clients must key on `code`).

export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'interactive',
  'template',
  'reaction',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];
/** Media types that take a caption. */
export const CAPTIONED_MEDIA: ReadonlySet<string> = new Set(['image', 'video', 'document']);

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

export const TEMPLATE_STATUSES = ['PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** Meta's template quality ratings; UNKNOWN = pending (what a new template has). */
export const TEMPLATE_QUALITY_SCORES = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type TemplateQualityScore = (typeof TEMPLATE_QUALITY_SCORES)[number];

/** `file_type`s the Resumable Upload API takes (Graph API guide "Upload a file"). */
export const UPLOAD_FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/jpg', 'image/png', 'video/mp4'] as const;

/** Largest file the simulator's upload API takes (a template's PDF header may be 100 MB). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** What each media header format of a template takes: file types and largest file (shared/PROVIDER-FACTS.md). */
export const HEADER_MEDIA_RULES: Readonly<
  Record<'IMAGE' | 'VIDEO' | 'DOCUMENT', { types: readonly string[]; maxBytes: number }>
> = {
  IMAGE: { types: ['image/jpeg', 'image/jpg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  VIDEO: { types: ['video/mp4'], maxBytes: 16 * 1024 * 1024 },
  DOCUMENT: { types: ['application/pdf'], maxBytes: 100 * 1024 * 1024 },
};

/**
 * The subcode Meta is reported to pair with a media header created without a usable example ("Templates with IMAGE
 * header type need an example/sample, but it was not provided"), e.g. a URL in `header_handle`. Meta's pages do not
 * list it; it is taken from a public report (see docs/SIMULATOR.md).
 */
export const HEADER_EXAMPLE_MISSING_SUBCODE = 2388273;

/** Limits Meta documents for sends and templates. */
export const LIMITS = {
  textBody: 4096,
  caption: 1024,
  callbackData: 512,
  interactiveBody: 1024,
  interactiveHeaderText: 60,
  interactiveFooter: 60,
  replyButtonsMin: 1,
  replyButtonsMax: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  listButton: 20,
  listSectionsMax: 10,
  listRowsMax: 10,
  listRowTitle: 24,
  listRowDescription: 72,
  listRowId: 200,
  listSectionTitle: 24,
  templateName: 512,
  templateBody: 1024,
  templateHeaderText: 60,
  templateFooter: 60,
  templateButtonText: 25,
  templateButtonsMax: 10,
  templateUrlButtonsMax: 2,
  templatePhoneButtonsMax: 1,
  phoneDigitsMin: 7,
  phoneDigitsMax: 15,
} as const;

/** The Graph error codes the simulator answers with. */
export const ErrorCode = {
  ApiService: 2,
  InvalidParameter: 100,
  AccessToken: 190,
  UnknownPath: 2500,
  RateLimitHit: 130429,
  SomethingWentWrong: 131000,
  RequiredParameterMissing: 131008,
  ParameterValueNotValid: 131009,
  MessageUndeliverable: 131026,
  TemplateParamCountMismatch: 132000,
  TemplateDoesNotExist: 132001,
  TemplatePaused: 132015,
  TemplateDisabled: 132016,
  PairRateLimit: 131056,
  ReEngagement: 131047,
  SpamRateLimit: 131048,
  MarketingNotDelivered: 131049,
  MarketingStopped: 131050,
  MarketingExperiment: 130472,
  OnlyMarketingMessages: 134100,
  TemplateUnavailable: 134102,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorCodeInfo {
  /** HTTP status Meta answers with for this code. */
  httpStatus: number;
  /** The title Meta puts in `message` as "(#code) title". */
  title: string;
  type: 'OAuthException' | 'GraphMethodException';
}

export const ERROR_CODES: Readonly<Record<ErrorCodeValue, ErrorCodeInfo>> = {
  [ErrorCode.ApiService]: { httpStatus: 503, title: 'Service temporarily unavailable', type: 'OAuthException' },
  [ErrorCode.InvalidParameter]: { httpStatus: 400, title: 'Invalid parameter', type: 'OAuthException' },
  [ErrorCode.AccessToken]: { httpStatus: 401, title: 'Invalid OAuth access token', type: 'OAuthException' },
  [ErrorCode.UnknownPath]: { httpStatus: 400, title: 'Unknown path components', type: 'OAuthException' },
  [ErrorCode.RateLimitHit]: { httpStatus: 429, title: 'Rate limit hit', type: 'OAuthException' },
  [ErrorCode.SomethingWentWrong]: { httpStatus: 500, title: 'Something went wrong', type: 'OAuthException' },
  [ErrorCode.RequiredParameterMissing]: { httpStatus: 400, title: 'Required parameter is missing', type: 'OAuthException' },
  [ErrorCode.ParameterValueNotValid]: { httpStatus: 400, title: 'Parameter value is not valid', type: 'OAuthException' },
  [ErrorCode.MessageUndeliverable]: { httpStatus: 400, title: 'Message undeliverable', type: 'OAuthException' },
  [ErrorCode.TemplateParamCountMismatch]: {
    httpStatus: 400,
    title: 'Number of parameters does not match the expected number of params',
    type: 'OAuthException',
  },
  [ErrorCode.TemplateDoesNotExist]: {
    httpStatus: 404,
    title: 'Template name does not exist in the translation',
    type: 'OAuthException',
  },
  [ErrorCode.TemplatePaused]: { httpStatus: 400, title: 'Template is paused', type: 'OAuthException' },
  [ErrorCode.TemplateDisabled]: { httpStatus: 400, title: 'Template is disabled', type: 'OAuthException' },
  [ErrorCode.PairRateLimit]: {
    httpStatus: 400,
    title: '(Business Account, Consumer Account) pair rate limit hit',
    type: 'OAuthException',
  },
  [ErrorCode.ReEngagement]: { httpStatus: 400, title: 'Re-engagement message', type: 'OAuthException' },
  [ErrorCode.SpamRateLimit]: { httpStatus: 400, title: 'Spam rate limit hit', type: 'OAuthException' },
  [ErrorCode.MarketingNotDelivered]: {
    httpStatus: 400,
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    type: 'OAuthException',
  },
  [ErrorCode.MarketingStopped]: {
    httpStatus: 400,
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    type: 'OAuthException',
  },
  [ErrorCode.MarketingExperiment]: { httpStatus: 400, title: "User's number is part of an experiment", type: 'OAuthException' },
  [ErrorCode.OnlyMarketingMessages]: {
    httpStatus: 400,
    title: 'Only marketing messages can be sent on this API',
    type: 'OAuthException',
  },
  [ErrorCode.TemplateUnavailable]: { httpStatus: 400, title: 'Template unavailable', type: 'OAuthException' },
};

/**
 * `error_data.details` of the failures that arrive in a `failed` status webhook (Meta accepts the send with 200,
 * then reports the failure in `statuses[].errors[]`). Titles are in ERROR_CODES.
 */
export const WEBHOOK_FAILURE_DETAILS: Readonly<Record<number, string>> = {
  [ErrorCode.MessageUndeliverable]: 'Message Undeliverable.',
  [ErrorCode.ReEngagement]:
    'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  // The simulator reports the messaging limit with 131048 (Meta documents no code of its own for it).
  [ErrorCode.SpamRateLimit]:
    'Message failed to send because there are restrictions on how many messages can be sent from this phone number: ' +
    'the business portfolio reached its messaging limit of unique users in 24 hours.',
  [ErrorCode.MarketingNotDelivered]: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  [ErrorCode.MarketingStopped]: 'This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
  [ErrorCode.MarketingExperiment]: "Message failed to send because this user's phone number is part of an experiment.",
};

/** Messaging limits (unique users reached outside a service window per moving 24 h, per business portfolio). */
export const MESSAGING_LIMIT_TIERS = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export type MessagingLimitTier = (typeof MESSAGING_LIMIT_TIERS)[number];
export const MESSAGING_LIMIT_USERS: Readonly<Record<MessagingLimitTier, number>> = {
  TIER_250: 250,
  TIER_2K: 2_000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** How long a user's inbound message keeps the customer-service window open. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The messaging limit counts unique users over a moving window of this length. */
export const MESSAGING_LIMIT_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Open service windows remembered at most (oldest forgotten first). */
export const MAX_SERVICE_WINDOWS = 1_000_000;

/** The Graph endpoints a message can be sent through (the stats count sends by endpoint). */
export type SendEndpoint = 'messages' | 'marketing_messages';

export const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** Graph's answer for an id it does not know (subcode 33). */
export const UNKNOWN_OBJECT_SUBCODE = 33;

/** Largest request body the simulator reads (Meta's sends are a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Highest per-number throughput a registration may ask for (the ring of send times is sized by it). */
export const MAX_MESSAGES_PER_SECOND = 1_000_000;

/** How many distinct seconds with throttle violations the stats keep (oldest dropped first). */
export const MAX_VIOLATION_SECONDS = 86_400;
/** Refusals kept with the shape of their window (`throttle.refusals` in /_sim/stats): the first ones of a run. */
export const MAX_REFUSALS_KEPT = 200;
