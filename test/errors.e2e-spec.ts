import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type ApiHarness } from './support/api-harness';

const ERROR_SHAPE = { error: { code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/), message: expect.any(String), details: expect.any(Array) } };

describe('errors and bad input', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi({ HTTP_BODY_LIMIT: '2kb' });
  });
  afterAll(() => api.close());

  const post = (body: string, type = 'application/json') =>
    api.http.post('/v1/workspaces').set('x-admin-token', api.adminToken).set('Content-Type', type).send(body);

  it('answers malformed JSON with 400 malformed_json', async () => {
    const res = await post('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('lists each invalid field and why', async () => {
    const res = await post(JSON.stringify({ name: 42, colour: 'red' }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'colour']));
    expect(res.body.error.details.find((d: { field: string }) => d.field === 'colour').issue).toMatch(/should not exist/);
  });

  it.each([['[]'], ['"just a string"'], ['']])('refuses a body that is not an object: %s', async (body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject(ERROR_SHAPE);
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await api.http.get('/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject(ERROR_SHAPE);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers a body over the configured limit with 413', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(4096) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded']])('answers a %s body with 415', async (type) => {
    const res = await post('name=Acme', type);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('never answers bad input with a 500', async () => {
    const bodies = ['{', 'null', '1', '{"name":null}', '{"name":{"$gt":""}}', '{"name":"' + '\u0000' + '"}', '{"__proto__":{"x":1}}'];
    for (const body of bodies) {
      const res = await post(body);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject(ERROR_SHAPE);
    }
  });
});
