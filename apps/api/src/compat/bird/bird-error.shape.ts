import type { ErrorResponse } from '../../http/error-response.util';
import type { VendorErrorAnswer, VendorErrorShape } from '../../http/vendor-error-shape.types';

/**
 * Bird's error bodies (its Channels API OpenAPI): `RequestError {code, message}` for 400, 401, 403, 404 and 409, and
 * `ValidationError {code, message, details}` — `details` mapping each field to its problems — answered with 422.
 * A refusal that names fields (Herald's 400 with details, an unsupported feature included) is Bird's 422; one that
 * names none (malformed JSON) stays a 400 RequestError.
 */
export function renderBirdError({ status, body }: ErrorResponse): VendorErrorAnswer {
  const { code, message, details } = body.error;
  const fields = details.filter((d) => typeof d.field === 'string' && d.field !== '');
  if (status === 400 && fields.length > 0) {
    // A Map, not an object: a field may be named like what every object has (`toString`, `__proto__`).
    const byField = new Map<string, string[]>();
    for (const d of fields) byField.set(d.field!, [...(byField.get(d.field!) ?? []), d.issue]);
    return { status: 422, body: { code, message, details: Object.fromEntries(byField) } };
  }
  return { status, body: { code, message }, ...(status === 401 ? { headers: { 'WWW-Authenticate': 'AccessKey realm="herald"' } } : {}) };
}

/** Bird's error shape for everything under its prefix (the global error filter's VENDOR_ERROR_SHAPES): the guard's 401 included. */
export const BIRD_ERROR_SHAPE: VendorErrorShape = { prefix: '/compat/bird/', render: renderBirdError };
