import type { ProviderError, ProviderErrorCategory } from '../channel-provider.types';
import { isRecord, parseRetryAfter } from '../whatsapp/graph-error.util';

/** Meta's page of Messenger Platform error codes (it covers Instagram Messaging's Send API too). */
export const META_MESSAGING_ERROR_CODES_DOCS_URL =
  'https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes';

export interface MetaMessagingErrorPolicy {
  readonly category: ProviderErrorCategory;
  readonly retriable: boolean;
  /** A short title for Herald's screens; Meta's own `message` goes into `details`. */
  readonly title: string;
  /** The least wait before a retry when the answer names none (Retry-After, X-Business-Use-Case-Usage). */
  readonly retryAfterMs?: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/**
 * Every Graph error Herald acts on for Messenger and Instagram sends, keyed `"<code>"` or `"<code>/<subcode>"`; the
 * code with its subcode wins over the bare code. Sources: Meta's Messenger Platform error-code pages (the current
 * "Common Error Codes" table and the older Send API table), shared/CHANNEL-FACTS.md §1, and third-party handling
 * of 551 where Meta's pages are silent.
 *
 * Page-level limits (613, 32, 80006) are `throttled`, so the pipeline holds the whole Page for the wait instead of
 * letting every queued send hit the same wall; app- and user-level limits (4, 17) are `api_rate_limited`.
 */
export const META_MESSAGING_ERROR_POLICIES: ReadonlyMap<string, MetaMessagingErrorPolicy> = new Map<string, MetaMessagingErrorPolicy>([
  // "An unknown error occurred" / "An unexpected error has occurred. Please retry your request later." Code 2 can
  // also mean the user blocked the Page, which Meta does not tell apart: the pipeline's attempt cap ends that case.
  ['1', { category: 'transient', retriable: true, title: 'Unknown error' }],
  ['2', { category: 'transient', retriable: true, title: 'Unexpected error' }],
  ['1200', { category: 'transient', retriable: true, title: 'Temporary send message failure' }],
  // Application request limit (and "too many send requests to phone numbers", 4/2018022). Graph's app limits are
  // counted over rolling windows; a minute is the least wait worth trying.
  ['4', { category: 'api_rate_limited', retriable: true, title: 'Application request limit reached', retryAfterMs: MINUTE }],
  ['17', { category: 'api_rate_limited', retriable: true, title: 'User request limit reached', retryAfterMs: MINUTE }],
  ['32', { category: 'throttled', retriable: true, title: 'Page request limit reached', retryAfterMs: MINUTE }],
  // The Send API's per-Page calls-per-second limit (300/s text, 10/s audio and video): a short hold is enough.
  ['613', { category: 'throttled', retriable: true, title: 'Send API rate limit exceeded', retryAfterMs: SECOND }],
  // The Page's Business Use Case limit (200 × engaged users per rolling 24 h); X-Business-Use-Case-Usage usually
  // says how long until access returns, which replaces this default.
  ['80006', { category: 'throttled', retriable: true, title: 'Too many Messenger API calls to this Page', retryAfterMs: MINUTE }],
  // "This message is sent outside of allowed window" (Messenger 2018278 and the older 2018065; Instagram 2534022).
  ['10/2018278', { category: 'outside_service_window', retriable: false, title: 'Outside the allowed messaging window' }],
  ['10/2018065', { category: 'outside_service_window', retriable: false, title: 'Outside the allowed messaging window' }],
  ['10/2534022', { category: 'outside_service_window', retriable: false, title: 'Outside the allowed messaging window' }],
  // Any other code 10 is Graph's "Permission denied": the app or token lacks a permission a person must grant.
  ['10', { category: 'channel_blocked', retriable: false, title: 'Permission denied' }],
  ['100/2018001', { category: 'recipient_unreachable', retriable: false, title: 'No matching user found' }],
  ['100/2018109', { category: 'invalid_request', retriable: false, title: 'Attachment size exceeds allowable limit' }],
  ['100', { category: 'invalid_request', retriable: false, title: 'Invalid parameter' }],
  ['102', { category: 'auth_expired', retriable: false, title: 'Session key invalid' }],
  ['190', { category: 'auth_expired', retriable: false, title: 'Invalid OAuth access token' }],
  // "Message Not Sent: This person isn't available right now": code 200 or 551 with subcode 1545041.
  ['200/1545041', { category: 'recipient_unreachable', retriable: false, title: "This person isn't available right now" }],
  ['551', { category: 'recipient_unreachable', retriable: false, title: "This person isn't available right now" }],
  ['368', { category: 'channel_blocked', retriable: false, title: 'Temporarily blocked for policy violations' }],
]);

/** Graph's permission errors are codes 200 to 299 ("(#200) Permissions error", 230 missing pages_messaging…). */
const PERMISSION_CODES = { from: 200, to: 299 } as const;
const PERMISSION_POLICY: MetaMessagingErrorPolicy = { category: 'channel_blocked', retriable: false, title: 'Permissions error' };

/** What a failed Graph call answered. */
export interface MetaMessagingFailure {
  readonly httpStatus?: number;
  /** The answer's parsed JSON (`{error: {message, type, code, error_subcode, fbtrace_id}}`), or whatever came. */
  readonly body?: unknown;
  /** The Retry-After header, if any. */
  readonly retryAfter?: string;
  /** The X-Business-Use-Case-Usage header, if any (JSON; names `estimated_time_to_regain_access` in minutes). */
  readonly businessUseCaseUsage?: string;
}

/** The policy for a Graph code and subcode: the pair's, else the code's, else the permission range's. */
export function metaMessagingErrorPolicy(code: number, subcode?: number): MetaMessagingErrorPolicy | undefined {
  const exact = subcode === undefined ? undefined : META_MESSAGING_ERROR_POLICIES.get(`${code}/${subcode}`);
  if (exact !== undefined) return exact;
  const byCode = META_MESSAGING_ERROR_POLICIES.get(String(code));
  if (byCode !== undefined) return byCode;
  return code >= PERMISSION_CODES.from && code <= PERMISSION_CODES.to ? PERMISSION_POLICY : undefined;
}

/**
 * Maps a failed Messenger or Instagram Graph answer to a ProviderError: by the error's code and subcode, else by
 * HTTP status (5xx → transient, 429 → throttled, 401 → auth_expired), else a permanent `unknown`. `code` is
 * `"<code>"` or `"<code>/<subcode>"` so the stored error says which of Meta's rows it was.
 */
export function mapMetaMessagingFailure(failure: MetaMessagingFailure, now: Date = new Date()): ProviderError {
  const error = isRecord(failure.body) && isRecord(failure.body['error']) ? failure.body['error'] : undefined;
  const code = error === undefined ? undefined : integer(error['code']);
  const subcode = error === undefined ? undefined : integer(error['error_subcode']);
  const policy = code === undefined ? undefined : metaMessagingErrorPolicy(code, subcode);
  const fallback = policy ?? policyForStatus(failure.httpStatus);
  const retryAfterMs =
    parseRetryAfter(failure.retryAfter, now) ??
    (fallback.retriable ? regainAccessMs(failure.businessUseCaseUsage) : undefined) ??
    fallback.retryAfterMs;
  const message = error === undefined ? undefined : text(error['message']);
  const userMessage = error === undefined ? undefined : text(error['error_user_msg']);
  const traceId = error === undefined ? undefined : text(error['fbtrace_id']);
  const title = policy?.title ?? (error === undefined ? undefined : text(error['error_user_title'])) ?? message ?? fallback.title;
  const details =
    [message, userMessage].filter((part): part is string => part !== undefined).join(' ') ||
    (failure.httpStatus === undefined
      ? 'The Graph API answered with something that is not a Graph response.'
      : `The Graph API answered HTTP ${failure.httpStatus} without a Graph error.`);
  return {
    code: code === undefined ? (failure.httpStatus === undefined ? 'unknown' : `http_${failure.httpStatus}`) : subcode === undefined ? String(code) : `${code}/${subcode}`,
    title,
    details,
    retriable: fallback.retriable,
    category: fallback.category,
    docsUrl: META_MESSAGING_ERROR_CODES_DOCS_URL,
    ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(traceId === undefined ? {} : { traceId }),
  };
}

/**
 * The longest `estimated_time_to_regain_access` (minutes) in an X-Business-Use-Case-Usage header, in ms; undefined
 * when the header is absent, unreadable or names no wait. Shape: `{"<business id>": [{type, call_count, …,
 * estimated_time_to_regain_access}]}` (Graph API rate-limiting page).
 */
export function regainAccessMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  let usage: unknown;
  try {
    usage = JSON.parse(header);
  } catch {
    return undefined;
  }
  if (!isRecord(usage)) return undefined;
  let minutes = 0;
  for (const entries of Object.values(usage)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const wait = isRecord(entry) ? entry['estimated_time_to_regain_access'] : undefined;
      if (typeof wait === 'number' && Number.isFinite(wait) && wait > minutes) minutes = wait;
    }
  }
  return minutes > 0 ? minutes * MINUTE : undefined;
}

function policyForStatus(httpStatus: number | undefined): MetaMessagingErrorPolicy {
  if (httpStatus !== undefined && httpStatus >= 500) return { category: 'transient', retriable: true, title: `HTTP ${httpStatus}` };
  if (httpStatus === 429) return { category: 'throttled', retriable: true, title: 'HTTP 429', retryAfterMs: SECOND };
  if (httpStatus === 401) return { category: 'auth_expired', retriable: false, title: 'HTTP 401' };
  return { category: 'unknown', retriable: false, title: httpStatus === undefined ? 'Unreadable answer' : `HTTP ${httpStatus}` };
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,12}$/.test(value)) return Number(value);
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
