import { randomBytes } from 'node:crypto';
import type { VendorErrorShape } from '../../http/vendor-error-shape.types';
import { toGraphError } from './cloud-api-error.util';

/** Graph's trace id when the request has no id of its own. */
function newTraceId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * Every error under `/compat/cloud-api/` in Graph's shape (the global error filter's VENDOR_ERROR_SHAPES) — the access
 * guard's 401 for a missing or wrong key (Meta's 190), a malformed body, a route it does not have, a body Herald
 * refuses, a template it does not have — so a Cloud API client reads it as it reads Meta's. `fbtrace_id` is the
 * request's id.
 */
export const CLOUD_API_ERROR_SHAPE: VendorErrorShape = {
  prefix: '/compat/cloud-api/',
  render: (error, requestId) => {
    const { status, body } = toGraphError(error, requestId ?? newTraceId());
    // Graph's header for a token it refuses.
    return { status, body, ...(status === 401 ? { headers: { 'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"' } } : {}) };
  },
};
