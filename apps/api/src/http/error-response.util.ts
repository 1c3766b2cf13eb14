import { HttpException, HttpStatus } from '@nestjs/common';
import { HeraldError, type ErrorDetail, type ErrorKind } from '@herald/common';

/** The one JSON shape of every error Herald answers with. */
export interface ErrorBody {
  error: { code: string; message: string; details: readonly ErrorDetail[] };
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the cause is ours (a bug or an outage), so it must be logged with its stack. */
  readonly unexpected: boolean;
}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_OF_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

function body(code: string, message: string, details: readonly ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Errors raised by Express's body parser carry a `type`. */
function bodyParserError(error: unknown): ErrorResponse | undefined {
  // zlib's own error, passed on by the body parser when a body declared gzip, deflate or br does not decode.
  const zlibCode = (error as { code?: unknown })?.code;
  // Brotli's are named ERR__ERROR_… (ERR__ERROR_FORMAT_PADDING_2: "Decompression failed").
  if (typeof zlibCode === 'string' && (/^Z_[A-Z_]+$/.test(zlibCode) || /^ERR__ERROR_[A-Z0-9_]+$/.test(zlibCode))) {
    return {
      status: 400,
      unexpected: false,
      body: body('malformed_body', `The request body does not decode as its Content-Encoding says: ${(error as Error).message}.`),
    };
  }
  const type = (error as { type?: unknown })?.type;
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        unexpected: false,
        body: body('malformed_json', `The request body is not valid JSON: ${(error as Error).message}.`),
      };
    case 'entity.too.large': {
      const limit = (error as { limit?: number }).limit;
      return {
        status: 413,
        unexpected: false,
        body: body('payload_too_large', `The request body is larger than the ${limit ?? 'configured'}-byte limit.`),
      };
    }
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, unexpected: false, body: body('unsupported_media_type', `${(error as Error).message}.`) };
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return { status: 400, unexpected: false, body: body('bad_request', `The request body could not be read: ${(error as Error).message}.`) };
    default:
      return undefined;
  }
}

/** Postgres errors that mean the input was wrong, or the database is unreachable, rather than a bug. */
function databaseError(error: unknown): ErrorResponse | undefined {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } })?.driverError?.code ?? (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  if (code === '23505') return { status: 409, unexpected: false, body: body('conflict', 'A record with the same unique value already exists.') };
  if (code === '22P02' || code === '22021' || code === '22007' || code === '22008' || code === '22003' || code === '22001') {
    return { status: 400, unexpected: false, body: body('invalid_input', 'A value in the request has the wrong format or is out of range.') };
  }
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === '57P01' || code === '57P03' || code === '53300') {
    return { status: 503, unexpected: true, body: body('service_unavailable', 'A backing service is unavailable; try again shortly.') };
  }
  return undefined;
}

function fromHttpException(error: HttpException): ErrorResponse {
  const status = error.getStatus();
  const response = error.getResponse();
  let message = error.message;
  if (typeof response === 'object' && response !== null) {
    const m = (response as { message?: unknown }).message;
    if (typeof m === 'string') message = m;
    else if (Array.isArray(m)) message = m.join('; ');
  }
  if (status === 404 && /^Cannot [A-Z]+ /.test(message)) {
    message = `No route ${message.replace(/^Cannot /, '')}; see /docs for the API.`;
  }
  if (!/[.!?]$/.test(message)) message += '.';
  const code = CODE_OF_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
  return { status, unexpected: status >= 500, body: body(code, message) };
}

/** Maps anything thrown while handling a request to a status and Herald's error shape. */
export function toErrorResponse(error: unknown, requestId: string | undefined): ErrorResponse {
  if (error instanceof HeraldError) {
    return {
      status: STATUS_OF_KIND[error.kind],
      unexpected: error.kind === 'unavailable',
      body: body(error.code, error.message, error.details),
    };
  }
  if (error instanceof HttpException) {
    // Nest wraps the body parser's errors (malformed JSON, too large) and keeps the original as `cause`.
    return bodyParserError(error.cause) ?? fromHttpException(error);
  }
  const mapped = bodyParserError(error) ?? databaseError(error);
  if (mapped) return mapped;
  return {
    status: 500,
    unexpected: true,
    body: body(
      'internal_error',
      `Something went wrong on our side; it has been logged${requestId ? ` with request id ${requestId}` : ''}.`,
    ),
  };
}
