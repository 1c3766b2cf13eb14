/**
 * The Graph API version Herald speaks by default. v26.0 is the latest Graph API version (released
 * 2026-07-29); each version stays callable for at least two years after its successor ships. The send,
 * template and webhook shapes used here are the same in v23.0–v26.0 (v24.0 dropped `conversation` from
 * status webhooks, which Herald does not read). A channel may pin another version in its `graphBaseUrl`.
 */
export const GRAPH_API_VERSION = 'v26.0';
export const DEFAULT_GRAPH_BASE_URL = `https://graph.facebook.com/${GRAPH_API_VERSION}`;

/** Meta's page of Cloud API error codes, linked from every mapped error. */
export const ERROR_CODES_DOCS_URL =
  'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes';

/** Limits Meta documents for message content (characters). */
export const WHATSAPP_LIMITS = {
  textBody: 4_096,
  caption: 1_024,
  /** `biz_opaque_callback_data`. */
  callbackData: 512,
  replyButtonsMin: 1,
  replyButtonsMax: 3,
  replyButtonTitle: 20,
  replyButtonId: 256,
  replyButtonsBody: 1_024,
  listBody: 4_096,
  listButton: 20,
  listSections: 10,
  /** Rows of all sections together. */
  listRows: 10,
  listRowId: 200,
  listRowTitle: 24,
  listRowDescription: 72,
  listSectionTitle: 24,
  interactiveHeaderText: 60,
  interactiveFooter: 60,
  templateName: 512,
  templateBody: 1_024,
  templateHeaderText: 60,
  /** Template buttons are numbered from 0; a template has at most 10. */
  templateButtonIndexMax: 9,
} as const;

export const WHATSAPP_ADAPTER_DEFAULTS = {
  /** Upper bound on connections per Graph origin; 0 = none: the pool follows demand (see the adapter's `pool`). */
  connections: 0,
  requestTimeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  /** An idle connection is closed after this long, so the extra connections of a burst do not stay open. */
  keepAliveTimeoutMs: 30_000,
  /** Pages read when looking a template up by name. */
  templateLookupPages: 5,
  /** How long a template's category and status are reused by `getTemplateCategory`. */
  templateCacheTtlMs: 5 * 60_000,
  /** Templates (WABA, name, language) remembered at most; the least recently used goes first. */
  templateCacheSize: 1_000,
  /** One media upload request (up to 100 MB for a PDF header): longer than an ordinary call. */
  uploadTimeoutMs: 120_000,
} as const;
