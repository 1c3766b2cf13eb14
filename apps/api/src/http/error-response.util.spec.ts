import { describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { HeraldError } from '@herald/common';
import { toErrorResponse } from './error-response.util';

describe('toErrorResponse', () => {
  it('maps a HeraldError by kind and keeps its code, message and details', () => {
    const r = toErrorResponse(new HeraldError('conflict', 'last_api_key', 'Only key.', [{ issue: 'x' }]), 'r1');
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: { code: 'last_api_key', message: 'Only key.', details: [{ issue: 'x' }] } });
  });

  it('recognises the body parser errors Nest wraps', () => {
    const parse = Object.assign(new SyntaxError('Unexpected end of JSON input'), { type: 'entity.parse.failed', status: 400 });
    expect(toErrorResponse(new BadRequestException(parse.message, { cause: parse }), undefined).body.error.code).toBe('malformed_json');
    const large = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', limit: 1024 });
    const mapped = toErrorResponse(large, undefined);
    expect(mapped.status).toBe(413);
    expect(mapped.body.error.message).toContain('1024');
  });

  it('turns an unknown route into a readable 404', () => {
    const r = toErrorResponse(new NotFoundException('Cannot GET /nope'), undefined);
    expect(r.body.error).toEqual({ code: 'not_found', message: 'No route GET /nope; see /docs for the API.', details: [] });
  });

  it('never leaks an unexpected error and points at the request id', () => {
    const r = toErrorResponse(new TypeError('secret internals'), 'req-42');
    expect(r.status).toBe(500);
    expect(r.unexpected).toBe(true);
    expect(r.body.error.message).not.toContain('secret');
    expect(r.body.error.message).toContain('req-42');
  });

  it('answers 409 for a unique violation and 400 for malformed input reaching Postgres', () => {
    expect(toErrorResponse({ code: '23505' }, undefined).status).toBe(409);
    expect(toErrorResponse({ driverError: { code: '22P02' } }, undefined).status).toBe(400);
  });
});
