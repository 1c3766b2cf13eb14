import type { ErrorResponse } from './error-response.util';

/** What a vendor's API answers for an error: its status, its body, and any header it sets. */
export interface VendorErrorAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * How one vendor-compatible surface (`/compat/<vendor>/…`) answers errors. The global error filter uses it for
 * every error under `prefix` — the access guard's 401, a malformed body, a route that does not exist, and
 * anything a handler throws — so a vendor's client always reads its vendor's error shape, never Herald's.
 */
export interface VendorErrorShape {
  /** The path prefix it covers, with its trailing slash: `/compat/whautochat/`. */
  readonly prefix: string;
  /** `requestId`: the request's id (X-Request-Id), for vendors whose errors carry a trace id. */
  render(error: ErrorResponse, requestId?: string): VendorErrorAnswer;
}

/** The injection token of the surfaces' error shapes (an array of VendorErrorShape). */
export const VENDOR_ERROR_SHAPES = Symbol('VENDOR_ERROR_SHAPES');
