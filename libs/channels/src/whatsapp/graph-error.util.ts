import type { ProviderError, ProviderErrorCategory } from '../channel-provider.types';
import { ERROR_CODES_DOCS_URL } from './whatsapp.constants';

interface ErrorPolicy {
  readonly category: ProviderErrorCategory;
  readonly retriable: boolean;
  /** Meta's title, used when the error itself carries none. Never used to decide anything. */
  readonly title: string;
  /** The least wait Meta's documentation implies before a retry. */
  readonly retryAfterMs?: number;
}

const SECOND = 1_000;
const DAY = 86_400 * SECOND;

/**
 * Graph error code → what Herald does, per shared/PROVIDER-FACTS.md ("Error codes and what to do").
 * Keyed on the numeric `code` only: Meta says titles will go away, and HTTP statuses are inconsistent.
 */
export const GRAPH_ERROR_POLICIES: ReadonlyMap<number, ErrorPolicy> = new Map<number, ErrorPolicy>([
  [130429, { category: 'throttled', retriable: true, title: 'Rate limit hit', retryAfterMs: SECOND }],
  // Meta advises waiting 4^X seconds before retry X; X = 1 is the least.
  [
    131056,
    {
      category: 'pair_rate_limited',
      retriable: true,
      title: '(Business Account, Consumer Account) pair rate limit hit',
      retryAfterMs: 4 * SECOND,
    },
  ],
  // Returned for up to a minute while the number's throughput is raised.
  [131057, { category: 'throughput_upgrade', retriable: true, title: 'Account in maintenance mode', retryAfterMs: 10 * SECOND }],
  [4, { category: 'api_rate_limited', retriable: true, title: 'API Too Many Calls', retryAfterMs: 60 * SECOND }],
  [80007, { category: 'api_rate_limited', retriable: true, title: 'Rate limit issues', retryAfterMs: 60 * SECOND }],
  [131000, { category: 'transient', retriable: true, title: 'Something went wrong' }],
  [131016, { category: 'transient', retriable: true, title: 'Service unavailable' }],
  [2, { category: 'transient', retriable: true, title: 'API Service' }],
  [190, { category: 'auth_expired', retriable: false, title: 'Access token has expired' }],
  // AuthException: the token was invalidated; same remedy as an expired one.
  [0, { category: 'auth_expired', retriable: false, title: 'AuthException' }],
  [131026, { category: 'not_on_whatsapp', retriable: false, title: 'Message undeliverable' }],
  [131047, { category: 'outside_service_window', retriable: false, title: 'Re-engagement message' }],
  // Not within 24 hours: retriable is false for this attempt; retryAfterMs says when a later run may try.
  [
    131049,
    {
      category: 'marketing_cap',
      retriable: false,
      title: 'This message was not delivered to maintain healthy ecosystem engagement',
      retryAfterMs: DAY,
    },
  ],
  [131050, { category: 'marketing_opt_out', retriable: false, title: 'User stopped marketing messages' }],
  // Meta's marketing experiment (about 1 % of users get no marketing templates): final, never retried.
  [130472, { category: 'marketing_experiment', retriable: false, title: "User's number is part of an experiment" }],
  [131048, { category: 'spam_limited', retriable: false, title: 'Spam rate limit hit' }],
  [131031, { category: 'channel_blocked', retriable: false, title: 'Business Account locked' }],
  [368, { category: 'channel_blocked', retriable: false, title: 'Temporarily blocked for policies violations' }],
  [131042, { category: 'channel_blocked', retriable: false, title: 'Business eligibility payment issue' }],
  [131005, { category: 'invalid_request', retriable: false, title: 'Access denied' }],
  [131008, { category: 'invalid_request', retriable: false, title: 'Required parameter is missing' }],
  [131009, { category: 'invalid_request', retriable: false, title: 'Parameter value is not valid' }],
  [131051, { category: 'invalid_request', retriable: false, title: 'Unsupported message type' }],
  [131053, { category: 'invalid_request', retriable: false, title: 'Media upload error' }],
  [132000, { category: 'template_problem', retriable: false, title: 'Template Param Count Mismatch' }],
  [132001, { category: 'template_problem', retriable: false, title: 'Template does not exist' }],
  [132012, { category: 'template_problem', retriable: false, title: 'Template Parameter Format Mismatch' }],
  [132015, { category: 'template_problem', retriable: false, title: 'Template is Paused' }],
  [132016, { category: 'template_problem', retriable: false, title: 'Template is Disabled' }],
]);

/** Graph's generic "invalid parameter", which is also what a field unknown to the requested version gets. */
const INVALID_PARAMETER = 100;

/**
 * True when Graph refused a read as an invalid parameter, e.g. a field the channel's pinned Graph version does
 * not know yet (`(#100) Tried accessing nonexisting field`): the caller may ask for an older field instead.
 */
export function isInvalidParameterError(error: ProviderError): boolean {
  return error.code === String(INVALID_PARAMETER);
}

/** A Graph error as the API answers it (`{error: {...}}`) or as a webhook carries it (`errors[]`). */
interface GraphErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly title?: unknown;
  readonly error_data?: unknown;
  readonly fbtrace_id?: unknown;
}

export interface GraphFailure {
  /** HTTP status of the answer; absent for errors that arrive by webhook. */
  readonly httpStatus?: number;
  /** The answer's parsed JSON (`{error: {...}}`), or anything else the server sent. */
  readonly body?: unknown;
  /** The answer's Retry-After header, if any. */
  readonly retryAfter?: string;
}

/** Maps a failed Graph answer to a ProviderError: by the error's numeric code, else by HTTP status. */
export function mapGraphFailure(failure: GraphFailure, now: Date = new Date()): ProviderError {
  const fields = graphErrorFields(failure.body);
  const retryAfterMs = parseRetryAfter(failure.retryAfter, now);
  if (fields === undefined || numericCode(fields.code) === undefined) {
    return httpOnlyError(failure.httpStatus, retryAfterMs);
  }
  return mapGraphError(fields, failure.httpStatus, retryAfterMs);
}

/**
 * Maps one Graph error object (`{code, message, title?, error_data: {details}, fbtrace_id?}`) by its code.
 * Unknown codes: HTTP 5xx → transient, 429 → throttled, 401 → auth_expired, else a permanent `unknown`.
 */
export function mapGraphError(error: GraphErrorFields, httpStatus?: number, retryAfterMs?: number): ProviderError {
  const code = numericCode(error.code);
  const policy = code === undefined ? undefined : GRAPH_ERROR_POLICIES.get(code);
  const fallback = policy ?? policyForStatus(httpStatus);
  const title = text(error.title) ?? text(error.message) ?? policy?.title ?? 'Unknown error';
  const errorData = isRecord(error.error_data) ? error.error_data : undefined;
  const details = text(errorData?.['details']) ?? text(error.message) ?? title;
  const wait = retryAfterMs ?? fallback.retryAfterMs;
  const traceId = text(error.fbtrace_id);
  return {
    code: code === undefined ? 'unknown' : String(code),
    title,
    details,
    retriable: fallback.retriable,
    category: fallback.category,
    docsUrl: ERROR_CODES_DOCS_URL,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
    ...(traceId === undefined ? {} : { traceId }),
  };
}

/** The request never got an answer: it timed out or the connection failed. Both are worth a retry. */
export function transportError(kind: 'timeout' | 'network', details: string): ProviderError {
  return kind === 'timeout'
    ? { code: 'timeout', title: 'Request timed out', details, retriable: true, category: 'transient' }
    : { code: 'network_error', title: 'Connection failed', details, retriable: true, category: 'transient' };
}

/** A request Herald refused to send because it could never succeed. */
export function invalidRequestError(code: string, details: string): ProviderError {
  return { code, title: 'Invalid request', details, retriable: false, category: 'invalid_request' };
}

function httpOnlyError(httpStatus: number | undefined, retryAfterMs: number | undefined): ProviderError {
  const policy = policyForStatus(httpStatus);
  const wait = retryAfterMs ?? policy.retryAfterMs;
  const title = httpStatus === undefined ? 'Unreadable answer' : `HTTP ${httpStatus}`;
  return {
    code: httpStatus === undefined ? 'unknown' : `http_${httpStatus}`,
    title,
    details:
      httpStatus === undefined
        ? 'The Graph API answered with something that is not a Graph response.'
        : `The Graph API answered HTTP ${httpStatus} without a Graph error.`,
    retriable: policy.retriable,
    category: policy.category,
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}

function policyForStatus(httpStatus: number | undefined): Omit<ErrorPolicy, 'title'> {
  if (httpStatus !== undefined && httpStatus >= 500) return { category: 'transient', retriable: true };
  if (httpStatus === 429) return { category: 'throttled', retriable: true };
  if (httpStatus === 401) return { category: 'auth_expired', retriable: false };
  return { category: 'unknown', retriable: false };
}

function graphErrorFields(body: unknown): GraphErrorFields | undefined {
  if (!isRecord(body)) return undefined;
  const error = body['error'];
  return isRecord(error) ? (error as GraphErrorFields) : undefined;
}

function numericCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  return undefined;
}

/** Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(header: string | undefined, now: Date = new Date()): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,7}$/.test(trimmed)) return Number(trimmed) * SECOND;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
