import { describe, expect, it } from '@jest/globals';
import { HeraldError, ok } from './errors';

describe(HeraldError.name, () => {
  it("takes the status, code, message and details of the API's error body", () => {
    const error = HeraldError.of(400, { error: { code: 'validation_failed', message: 'Invalid message: to is missing.', details: [{ field: 'to', issue: 'is missing' }] } });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'HeraldError', status: 400, code: 'validation_failed', message: 'Invalid message: to is missing.' });
    expect(error.details).toEqual([{ field: 'to', issue: 'is missing' }]);
  });

  it('names the status of an answer that is not the API’s error shape, with the start of its text', () => {
    expect(HeraldError.of(502, '<html>Bad gateway</html>')).toMatchObject({ status: 502, code: 'http_502', message: 'HTTP 502: <html>Bad gateway</html>', details: [] });
    expect(HeraldError.of(500, undefined)).toMatchObject({ code: 'http_500', message: 'HTTP 500' });
  });

  it('is what ok() throws for a failed call, and ok() answers the data of a successful one', async () => {
    const answer = (status: number, body: { data?: unknown; error?: unknown }) => Promise.resolve({ ...body, response: new Response(null, { status }) });
    await expect(ok(answer(200, { data: { id: 'c1' } }))).resolves.toEqual({ id: 'c1' });
    await expect(ok(answer(404, { error: { error: { code: 'campaign_not_found', message: 'No such campaign.', details: [] } } }))).rejects.toMatchObject({
      status: 404,
      code: 'campaign_not_found',
    });
  });
});
