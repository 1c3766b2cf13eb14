import { randomBytes } from 'node:crypto';
import { ERROR_CODES, ErrorCode, type ErrorCodeValue, UNKNOWN_OBJECT_SUBCODE } from './simulator.constants';
import type { GraphErrorResponse } from './simulator.types';

const TRACE_PREFIX = `A${randomBytes(6).toString('base64url')}`;
let traceCounter = 0;

/** A Graph-style fbtrace_id: unique per process, cheap enough for thousands of errors a second. */
export function nextTraceId(): string {
  traceCounter += 1;
  return `${TRACE_PREFIX}${traceCounter.toString(36).padStart(7, '0')}`;
}

export interface GraphErrorOptions {
  /** Goes to `error_data.details`; defaults to the code's title. */
  details?: string;
  /** Replaces the usual "(#code) title" message. */
  message?: string;
  subcode?: number;
  /** Overrides the HTTP status Meta pairs with the code. */
  httpStatus?: number;
  /** Overrides the exception type (Graph's unknown-object error is a GraphMethodException). */
  type?: 'OAuthException' | 'GraphMethodException';
}

/** Meta's error JSON: {"error":{"message","type","code","error_data":{"messaging_product","details"},"fbtrace_id"}}. */
export function graphError(code: ErrorCodeValue, options: GraphErrorOptions = {}): GraphErrorResponse {
  const info = ERROR_CODES[code];
  const error: Record<string, unknown> = {
    message: options.message ?? `(#${code}) ${info.title}`,
    type: options.type ?? info.type,
    code,
  };
  if (options.subcode !== undefined) error.error_subcode = options.subcode;
  error.error_data = { messaging_product: 'whatsapp', details: options.details ?? info.title };
  error.fbtrace_id = nextTraceId();
  return { httpStatus: options.httpStatus ?? info.httpStatus, code, body: JSON.stringify({ error }) };
}

/** A required field is absent (131008). */
export function missingParameter(path: string): GraphErrorResponse {
  return graphError(ErrorCode.RequiredParameterMissing, { details: `The parameter ${path} is required.` });
}

/** A field has a value Meta does not accept (131009). */
export function invalidValue(details: string): GraphErrorResponse {
  return graphError(ErrorCode.ParameterValueNotValid, { details });
}

/** A Graph parameter check failed: wrong JSON type, value outside an enum, string too long (100). */
export function invalidParameter(details: string): GraphErrorResponse {
  return graphError(ErrorCode.InvalidParameter, { details });
}

/** Graph's answer for an id it does not know: "Unsupported post request. Object with ID … does not exist …". */
export function unknownObject(method: 'get' | 'post' | 'delete', id: string): GraphErrorResponse {
  const message =
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
    'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';
  return graphError(ErrorCode.InvalidParameter, {
    message,
    details: message,
    subcode: UNKNOWN_OBJECT_SUBCODE,
    type: 'GraphMethodException',
  });
}

/** 190: no token, or not the token of the object addressed. */
export function badAccessToken(kind: 'missing' | 'mismatch'): GraphErrorResponse {
  const message =
    kind === 'missing'
      ? 'Invalid OAuth access token - Cannot parse access token'
      : 'Error validating access token: The session is invalid because the token does not belong to this object.';
  return graphError(ErrorCode.AccessToken, { message, details: message });
}

export function unknownPath(path: string): GraphErrorResponse {
  const message = `Unknown path components: ${path}`;
  return graphError(ErrorCode.UnknownPath, { message, details: message });
}
