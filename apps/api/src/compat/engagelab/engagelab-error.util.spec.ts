import { describe, expect, it } from '@jest/globals';
import type { ErrorResponse } from '../../http/error-response.util';
import { ENGAGELAB_ERROR_SHAPE } from './engagelab-error.shape';
import { toEngageLabFailure } from './engagelab-error.util';

const herald = (status: number, code: string, message = 'Why.'): ErrorResponse => ({ status, unexpected: status >= 500, body: { error: { code, message, details: [] } } });

describe('toEngageLabFailure', () => {
  it.each([
    [herald(401, 'api_key_missing'), 401, 2001],
    [herald(401, 'api_key_invalid'), 401, 2001],
    [herald(401, 'api_key_revoked'), 401, 2002],
    [herald(400, 'no_whatsapp_channel'), 400, 2003],
    [herald(403, 'key_not_allowed'), 403, 2004],
    [herald(400, 'malformed_json'), 400, 3001],
    [herald(415, 'unsupported_media_type'), 400, 3001],
    [herald(400, 'validation_failed'), 400, 3002],
    [herald(400, 'unsupported'), 400, 3003],
    [herald(409, 'outside_service_window'), 400, 3003],
    [herald(413, 'payload_too_large'), 400, 3003],
    [herald(400, 'template_not_found'), 400, 4001],
    [herald(404, 'channel_not_found'), 400, 4001],
    [herald(404, 'not_found'), 400, 4001],
    [herald(500, 'internal_error'), 500, 1000],
    [herald(503, 'service_unavailable'), 500, 1000],
  ])('answers %j as EngageLab: HTTP %i, code %i', (error, status, code) => {
    expect(toEngageLabFailure(error)).toEqual({ status, body: { code, message: 'Why.' } });
  });

  it("names fields in EngageLab's terms", () => {
    expect(toEngageLabFailure(herald(400, 'validation_failed', 'Invalid message: image.link must be an http(s) URL.')).body.message).toBe(
      'Invalid message: body.image.link must be an http(s) URL.',
    );
  });
});

describe('ENGAGELAB_ERROR_SHAPE', () => {
  it('covers the surface prefix and renders what never reached the controller (a malformed body) as 3001', () => {
    expect(ENGAGELAB_ERROR_SHAPE.prefix).toBe('/compat/engagelab/');
    expect(ENGAGELAB_ERROR_SHAPE.render(herald(400, 'malformed_json', 'The request body is not valid JSON: Unexpected end of JSON input.'))).toEqual({
      status: 400,
      body: { code: 3001, message: 'The request body is not valid JSON: Unexpected end of JSON input.' },
    });
  });
});
