import type { ErrorResponse } from '../../http/error-response.util';
import { inEngageLabTerms } from './engagelab-request.util';

/** EngageLab's failure body: `{code, message}`, with its numbered codes. */
export interface EngageLabFailure {
  readonly status: number;
  readonly body: { readonly code: number; readonly message: string };
}

/** Each of EngageLab's codes with the HTTP status its document gives it. */
const STATUS_OF_CODE: Record<number, number> = { 1000: 500, 2001: 401, 2002: 401, 2003: 400, 2004: 403, 3001: 400, 3002: 400, 3003: 400, 4001: 400 };

/** Herald's error codes that have an EngageLab code of their own; the rest go by HTTP status (below). */
const CODE_OF_HERALD_CODE: Record<string, number> = {
  api_key_missing: 2001,
  api_key_invalid: 2001,
  api_key_revoked: 2002,
  no_whatsapp_channel: 2003,
  no_channel: 2003,
  key_not_allowed: 2004,
  malformed_json: 3001,
  unsupported_media_type: 3001,
  validation_failed: 3002,
  unsupported: 3003,
  template_not_found: 4001,
  channel_not_found: 4001,
};

/**
 * Herald's error as EngageLab answers it: 401 → 2001 (no valid key) or 2002 (revoked), 403 → 2004 (the key may not
 * send from that number), a body that is not JSON → 3001, a missing or malformed field → 3002, a value refused or a
 * feature Herald does not have → 3003, an unknown template, sending number or route → 4001, our own fault → 1000.
 * The HTTP status is always the one EngageLab's document gives the code. Messages name fields as EngageLab does.
 */
export function toEngageLabFailure(error: ErrorResponse): EngageLabFailure {
  const { code: heraldCode, message } = error.body.error;
  const code =
    CODE_OF_HERALD_CODE[heraldCode] ??
    (error.status >= 500 ? 1000
    : error.status === 401 ? 2001
    : error.status === 403 ? 2004
    : error.status === 404 ? 4001
    : 3003);
  return {
    status: STATUS_OF_CODE[code]!,
    body: { code, message: code === 1000 ? message : inEngageLabTerms(message) },
  };
}
