// The errors of Meta's Send API (Messenger, Instagram) in Graph's shape: {"error":{"message","type","code",
// "error_subcode"?,"fbtrace_id"}}, without the WhatsApp-only `error_data`. Clients must key on `code` and
// `error_subcode`; the HTTP status follows Graph (400 for nearly everything, 401 for a token of another object).
import { nextTraceId } from '../graph-error.util';
import type { GraphErrorResponse } from '../simulator.types';

export interface MetaErrorOptions {
  code: number;
  message: string;
  subcode?: number;
  type?: 'OAuthException' | 'GraphMethodException' | 'IGApiException';
  httpStatus?: number;
  /** Graph marks errors worth retrying as `is_transient: true`. */
  transient?: boolean;
}

export function metaError(options: MetaErrorOptions): GraphErrorResponse {
  const error: Record<string, unknown> = {
    message: options.message,
    type: options.type ?? 'OAuthException',
    code: options.code,
  };
  if (options.subcode !== undefined) error.error_subcode = options.subcode;
  if (options.transient) error.is_transient = true;
  error.fbtrace_id = nextTraceId();
  return { httpStatus: options.httpStatus ?? 400, code: options.code, body: JSON.stringify({ error }) };
}

/** Error codes and subcodes the simulator answers page sends with (CHANNEL-FACTS.md §1, §2). */
export const MetaCode = {
  Unknown: 1,
  Unexpected: 2,
  PermissionWindow: 10,
  InvalidParameter: 100,
  AccessToken: 190,
  UserUnavailable: 551,
  RateLimit: 613,
  UnknownPath: 2500,
} as const;

export const MetaSubcode = {
  NoMatchingUser: 2018001,
  EmptyMessage: 2018034,
  OutsideWindow: 2018278,
  UserUnavailable: 1545041,
  UnknownObject: 33,
} as const;

export function accessTokenError(kind: 'missing' | 'mismatch'): GraphErrorResponse {
  return kind === 'missing'
    ? metaError({
        code: MetaCode.AccessToken,
        message: 'Invalid OAuth access token - Cannot parse access token',
        httpStatus: 400,
      })
    : metaError({
        code: MetaCode.AccessToken,
        message: 'Error validating access token: The session is invalid because the token does not belong to this object.',
        httpStatus: 401,
      });
}

export function invalidParam(message: string, subcode?: number): GraphErrorResponse {
  return metaError({ code: MetaCode.InvalidParameter, message: `(#100) ${message}`, subcode });
}

export function noMatchingUser(): GraphErrorResponse {
  return metaError({
    code: MetaCode.InvalidParameter,
    message: '(#100) No matching user found',
    subcode: MetaSubcode.NoMatchingUser,
  });
}

export function outsideWindow(): GraphErrorResponse {
  return metaError({
    code: MetaCode.PermissionWindow,
    message: '(#10) This message is sent outside of allowed window.',
    subcode: MetaSubcode.OutsideWindow,
  });
}

export function userUnavailable(): GraphErrorResponse {
  return metaError({
    code: MetaCode.UserUnavailable,
    message: "(#551) This person isn't available right now.",
    subcode: MetaSubcode.UserUnavailable,
  });
}

export function rateLimited(): GraphErrorResponse {
  return metaError({
    code: MetaCode.RateLimit,
    message: '(#613) Calls to this api have exceeded the rate limit.',
    transient: true,
  });
}

/** An injected transient failure: code 1 or 2 with HTTP 500, half each, as Graph answers them. */
export function transientError(draw: number): GraphErrorResponse {
  return draw < 0.5
    ? metaError({ code: MetaCode.Unknown, message: 'An unknown error has occurred.', httpStatus: 500, transient: true })
    : metaError({
        code: MetaCode.Unexpected,
        message: 'An unexpected error has occurred. Please retry your request later.',
        httpStatus: 500,
        transient: true,
      });
}

export function unknownPagePath(path: string): GraphErrorResponse {
  return metaError({ code: MetaCode.UnknownPath, message: `Unknown path components: ${path}` });
}
