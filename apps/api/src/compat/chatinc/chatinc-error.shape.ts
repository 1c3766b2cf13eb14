import type { VendorErrorShape } from '../../http/vendor-error-shape.types';

/**
 * Chat Inc answers `{"status": "success", …}` (its "Retrieve All Campaigns"); its document shows no error body, only
 * the HTTP statuses (400, 401, 403, 404, 405, 406, 429, 500, 503). Herald answers an error under /compat/chatinc with
 * that status and the same envelope: `{"status": "error", "message", "code", "details": [{field, issue}]}`.
 */
export const CHATINC_ERROR_SHAPE: VendorErrorShape = {
  prefix: '/compat/chatinc/',
  render: ({ status, body }) => ({
    status,
    body: { status: 'error', message: body.error.message, code: body.error.code, details: body.error.details },
  }),
};
