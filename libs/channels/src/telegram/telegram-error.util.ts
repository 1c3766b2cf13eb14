import type { ProviderError, ProviderErrorCategory } from '../channel-provider.types';
import { isRecord, parseRetryAfter, transportError } from '../whatsapp/graph-error.util';
import { TELEGRAM_ERRORS_DOCS_URL } from './telegram.constants';

/** One failure Herald acts on differently from the rest of its status class. */
export interface TelegramErrorRule {
  /** The `error_code`s the rule holds for. */
  readonly codes: readonly number[];
  /** Words of the `description` that name the case (case-insensitive). */
  readonly words: RegExp;
  readonly category: ProviderErrorCategory;
  readonly retriable: boolean;
  /** A short name for people; never used to decide anything. */
  readonly title: string;
}

/**
 * The Bot API failures Herald tells apart, each by its `error_code` AND the words of its `description`.
 *
 * Telegram documents that the contents of `error_code` are subject to change, and its descriptions are the only
 * thing that names the case ("Forbidden: bot was blocked by the user"). So a rule holds only when both agree; when
 * Telegram changes either, the error falls back to its status class below (400/403 → invalid_request, permanent and
 * reported), which errs toward telling the user rather than silently skipping the contact in later sends.
 */
export const TELEGRAM_ERROR_RULES: readonly TelegramErrorRule[] = [
  // The user blocked the bot; Telegram also sends `my_chat_member` → kicked for it.
  {
    codes: [403],
    words: /bot was blocked by the user/i,
    category: 'recipient_unreachable',
    retriable: false,
    title: 'Bot blocked by the user',
  },
  // The user never pressed Start: a bot can only write to people who wrote to it first.
  {
    codes: [403],
    words: /bot can.t initiate conversation with a user/i,
    category: 'recipient_unreachable',
    retriable: false,
    title: 'User never started the bot',
  },
  {
    codes: [403],
    words: /user is deactivated/i,
    category: 'recipient_unreachable',
    retriable: false,
    title: 'User account deleted',
  },
  {
    codes: [403],
    words: /bot can.t send messages to bots/i,
    category: 'recipient_unreachable',
    retriable: false,
    title: 'Recipient is a bot',
  },
  // A group or channel chat the bot was removed from.
  {
    codes: [403],
    words: /bot was kicked from|bot is not a member of/i,
    category: 'recipient_unreachable',
    retriable: false,
    title: 'Bot removed from the chat',
  },
  // No chat with that id for this bot (it never talked to the user, or the id is from another bot).
  { codes: [400], words: /chat not found/i, category: 'recipient_unreachable', retriable: false, title: 'Chat not found' },
];

interface ClassPolicy {
  readonly category: ProviderErrorCategory;
  readonly retriable: boolean;
}

/** By `error_code` when no rule above holds. */
function classPolicy(code: number): ClassPolicy {
  if (code === 429) return { category: 'throttled', retriable: true };
  // 401 Unauthorized: a revoked or mistyped token. 404 Not Found: Telegram's answer for a token it does not know
  // in the URL. Either way the channel's token no longer works.
  if (code === 401 || code === 404) return { category: 'auth_expired', retriable: false };
  if (code >= 500) return { category: 'transient', retriable: true };
  // 400 Bad Request, 403 Forbidden (not allowed), 409 Conflict: Herald's request as sent can never succeed.
  if (code === 400 || code === 403 || code === 409) return { category: 'invalid_request', retriable: false };
  return { category: 'unknown', retriable: false };
}

export interface TelegramFailure {
  /** HTTP status of the answer. */
  readonly httpStatus: number;
  /** The answer's parsed JSON (`{ok: false, error_code, description, parameters?}`), or anything else the server sent. */
  readonly body: unknown;
  /** The answer's Retry-After header, if any (Telegram puts the wait in `parameters.retry_after`). */
  readonly retryAfter?: string;
}

/**
 * Maps a failed Bot API answer to a ProviderError. `code` is the `error_code` as a string ("429"), `title` a short
 * name, `details` Telegram's description. An answer that is not the Bot API's JSON came from something in front of
 * it (a proxy, a load balancer) and says nothing about the request: transient.
 */
export function mapTelegramFailure(failure: TelegramFailure, now: Date = new Date()): ProviderError {
  const body = isRecord(failure.body) && failure.body['ok'] === false ? failure.body : undefined;
  if (body === undefined) return unreadableAnswer(failure.httpStatus);
  const errorCode = integer(body['error_code']) ?? failure.httpStatus;
  const description =
    typeof body['description'] === 'string' && body['description'].trim() !== '' ? body['description'] : undefined;
  const parameters = isRecord(body['parameters']) ? body['parameters'] : {};
  const rule =
    description === undefined
      ? undefined
      : TELEGRAM_ERROR_RULES.find((r) => r.codes.includes(errorCode) && r.words.test(description));
  const policy = rule ?? classPolicy(errorCode);
  const retryAfterMs =
    policy.category === 'throttled' ? throttleWait(parameters, description, failure.retryAfter, now) : undefined;
  const migrateTo = integer(parameters['migrate_to_chat_id']);
  const details =
    (description ?? `Telegram answered error ${errorCode} without a description.`) +
    (migrateTo === undefined ? '' : ` The group is now the supergroup ${migrateTo}.`);
  return {
    code: String(errorCode),
    title: rule?.title ?? classTitle(errorCode, description),
    details,
    retriable: policy.retriable,
    category: policy.category,
    httpStatus: failure.httpStatus,
    docsUrl: TELEGRAM_ERRORS_DOCS_URL,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

/**
 * The request got no answer: a timeout or a failed connection, with the codes (`timeout`, `network_error`) Herald
 * treats as in doubt. The bot token is part of every Bot API URL, so it is blanked out of the details.
 */
export function telegramTransportError(error: unknown, botToken: string): ProviderError {
  const e = isRecord(error) || error instanceof Error ? (error as { name?: unknown; code?: unknown; message?: unknown }) : {};
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const message = redactToken(typeof e.message === 'string' ? e.message : String(error), botToken);
  if (name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return transportError('timeout', message);
  return transportError('network', code === '' ? message : `${code}: ${message}`);
}

/** The text with every occurrence of the bot token replaced. */
export function redactToken(text: string, botToken: string): string {
  return botToken === '' ? text : text.split(botToken).join('<bot token>');
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** `parameters.retry_after` (seconds), else the seconds in "Too Many Requests: retry after 34", else Retry-After. */
function throttleWait(
  parameters: Record<string, unknown>,
  description: string | undefined,
  header: string | undefined,
  now: Date,
): number | undefined {
  const seconds = integer(parameters['retry_after']);
  if (seconds !== undefined && seconds >= 0) return seconds * 1_000;
  const said = description === undefined ? null : /retry after (\d{1,7})/i.exec(description);
  if (said !== null) return Number(said[1]) * 1_000;
  return parseRetryAfter(header, now);
}

/**
 * "Bad Request: chat not found" → "Bad Request", "Unauthorized" → "Unauthorized": Telegram starts its descriptions
 * with the status text, or gives only that.
 */
function classTitle(errorCode: number, description: string | undefined): string {
  const prefix = description === undefined ? undefined : /^([A-Za-z][A-Za-z ]{1,40})(:|$)/.exec(description)?.[1];
  return prefix ?? (errorCode >= 500 ? 'Telegram server error' : `Error ${errorCode}`);
}

function unreadableAnswer(httpStatus: number): ProviderError {
  return {
    code: `http_${httpStatus}`,
    title: 'Unreadable answer',
    details: `Telegram answered HTTP ${httpStatus} with something that is not a Bot API response.`,
    retriable: true,
    category: 'transient',
    httpStatus,
    docsUrl: TELEGRAM_ERRORS_DOCS_URL,
  };
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}
