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
};

export const ERROR_CODES_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

/** Graph's answer for an id it does not know (subcode 33). */
export const UNKNOWN_OBJECT_SUBCODE = 33;

/** Largest request body the simulator reads (Meta's sends are a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Highest per-number throughput a registration may ask for (the ring of send times is sized by it). */
export const MAX_MESSAGES_PER_SECOND = 1_000_000;

/** How many distinct seconds with throttle violations the stats keep (oldest dropped first). */
export const MAX_VIOLATION_SECONDS = 86_400;
