import type { VendorErrorShape } from '../../http/vendor-error-shape.types';

/** WhautoChat answers every error as its `MessageResponse`: `{id: null, status: "failed", error: "<why>"}`. */
export const WHAUTOCHAT_ERROR_SHAPE: VendorErrorShape = {
  prefix: '/compat/whautochat/',
  render: ({ status, body }) => ({ status, body: { id: null, status: 'failed', error: body.error.message } }),
};
