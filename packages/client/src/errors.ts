import type { components } from './schema';

/** One problem of a refused request, usually naming its field (`template.name`, `to[2].number`). */
export type ErrorDetail = components['schemas']['ErrorResponseDto']['error']['details'][number];

/**
 * What the helpers throw when the API answers with an error: the HTTP status and the API's error body
 * (`{"error":{"code","message","details"}}`). `code` is stable (snake_case) for a program to key on; `message` is for
 * people. An answer that is not Herald's error shape (a proxy's 502 page) gets the code `http_<status>`; status 0 is
 * the client giving up without an answer (a wait that timed out).
 */
export class HeraldError extends Error {
  override readonly name = 'HeraldError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** The error for an answer's status and body, whatever the body holds. */
  static of(status: number, body: unknown): HeraldError {
    const error = isRecord(body) && isRecord(body['error']) ? body['error'] : undefined;
    if (error && typeof error['code'] === 'string' && typeof error['message'] === 'string') {
      const details = Array.isArray(error['details']) ? (error['details'] as ErrorDetail[]) : [];
      return new HeraldError(status, error['code'], error['message'], details);
    }
    const text = typeof body === 'string' && body.trim() !== '' ? `: ${body.trim().slice(0, 200)}` : '';
    return new HeraldError(status, `http_${status}`, `HTTP ${status}${text}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an openapi-fetch call resolves to: its data, or its error, and the response either way. */
interface Answered<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/** The data of a successful call; a HeraldError otherwise. */
export async function ok<T>(pending: Promise<Answered<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) throw HeraldError.of(response.status, error);
  return data as T;
}

/** For calls that answer 204 (or whose body the caller does not need): throws a HeraldError on failure. */
export async function done(pending: Promise<Answered<unknown>>): Promise<void> {
  await ok(pending);
}
