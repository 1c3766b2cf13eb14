// Template management the way Meta answers it, driven over HTTP against the real server: the app of a token
// (GET /app), the Resumable Upload API, media header examples, the template listing (fields, paging, quality),
// deletion, and the /_sim routes that change a template's quality and category and send their webhooks.
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { defaultRuntimeConfig, mergeRuntimeConfig } from './simulator.config';
import { SimulatorServer } from './simulator-server.service';
import { Simulator } from './simulator.service';
import type { WebhookPost } from './webhook-delivery.service';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the loose JSON a client sees */
type Json = Record<string, any>;

const V = '/v26.0';
const PHONE = { id: '106540352242922', waba: '102290129340398', token: 'EAA-token', app: '555000111222333' };
const OTHER = { id: '206540352242922', waba: '202290129340398', token: 'EAA-other', app: '999000111222333' };
const JPEG = Buffer.alloc(1_000, 0xff);

let simulator: Simulator;
let server: SimulatorServer;
let base: string;
const posts: WebhookPost[] = [];

async function call(
  method: string,
  path: string,
  options: { token?: string; auth?: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== undefined) headers.authorization = options.auth;
  else if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, json: (await response.json()) as Json };
}

/** Steps 1 and 2 of the upload API; the handle, or the failed answer. */
async function upload(
  bytes: Buffer,
  fileType: string,
  who: { token: string; app: string } = PHONE,
): Promise<{ status: number; json: Json; handle?: string }> {
  const opened = await call('POST', `${V}/${who.app}/uploads?file_name=f&file_length=${bytes.length}&file_type=${fileType}`, {
    token: who.token,
  });
  if (opened.status !== 200) return opened;
  const sent = await call('POST', `${V}/${opened.json.id as string}`, {
    auth: `OAuth ${who.token}`,
    raw: bytes,
    headers: { file_offset: '0' },
  });
  return { ...sent, ...(typeof sent.json.h === 'string' ? { handle: sent.json.h as string } : {}) };
}

const imageTemplate = (name: string, handle: unknown, format = 'IMAGE') => ({
  name,
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format, example: { header_handle: [handle] } },
    { type: 'BODY', text: 'Spring sale!' },
  ],
});

const errorOf = (answer: { json: Json }) => answer.json.error as Json;

beforeAll(async () => {
  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), { seed: 1, templates: { approvalDelayMs: 0 } });
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  simulator = new Simulator({ config: merged.config });
  jest.spyOn(simulator.delivery, 'post').mockImplementation((post: WebhookPost) => {
    posts.push(post);
  });
  server = new SimulatorServer(simulator);
  base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
});

afterAll(async () => {
  await server.close(500);
});

beforeEach(async () => {
  posts.length = 0;
  await call('POST', '/_sim/reset', { body: { phoneNumbers: true, templates: true, config: true } });
  for (const phone of [PHONE, OTHER]) {
    const registered = await call('PUT', `/_sim/phone-numbers/${phone.id}`, {
      body: {
        wabaId: phone.waba,
        displayPhoneNumber: '+1 555 078 3881',
        accessToken: phone.token,
        appSecret: `secret-${phone.id}`,
        webhookUrl: 'http://127.0.0.1:1/hook',
        appId: phone.app,
      },
    });
    expect(registered.status).toBe(201);
  }
});

describe('GET /app', () => {
  it('names the app the token belongs to, from a Bearer token or access_token', async () => {
    expect(await call('GET', `${V}/app`, { token: PHONE.token })).toEqual({
      status: 200,
      json: { id: PHONE.app, name: `Herald Simulator app ${PHONE.app}` },
    });
    expect((await call('GET', `${V}/app?access_token=${OTHER.token}`)).json.id).toBe(OTHER.app);
  });

  it('refuses no token or an unknown one with 190', async () => {
    expect(errorOf(await call('GET', `${V}/app`)).code).toBe(190);
    expect(errorOf(await call('GET', `${V}/app`, { token: 'nope' })).code).toBe(190);
  });

  it('derives a stable app id from the app secret when the number was registered without one', async () => {
    await call('PUT', '/_sim/phone-numbers/300', {
      body: { wabaId: '3003', displayPhoneNumber: '15550001111', accessToken: 't-3', appSecret: 'shared-secret' },
    });
    await call('PUT', '/_sim/phone-numbers/301', {
      body: { wabaId: '3004', displayPhoneNumber: '15550001112', accessToken: 't-4', appSecret: 'shared-secret' },
    });
    const first = (await call('GET', `${V}/app`, { token: 't-3' })).json.id as string;
    expect(first).toMatch(/^\d{15}$/);
    expect((await call('GET', `${V}/app`, { token: 't-4' })).json.id).toBe(first);
  });
});

describe('Resumable Upload API', () => {
  it('opens a session and answers the bytes with a handle', async () => {
    const opened = await call('POST', `${V}/${PHONE.app}/uploads?file_name=sale.jpg&file_length=1000&file_type=image/jpeg`, {
      token: PHONE.token,
    });
    expect(opened.status).toBe(200);
    expect(opened.json.id).toMatch(/^upload:[A-Za-z0-9_-]+\?sig=AR[A-Za-z0-9_-]+$/);
    const sent = await call('POST', `${V}/${opened.json.id as string}`, {
      auth: `OAuth ${PHONE.token}`,
      raw: JPEG,
      headers: { file_offset: '0' },
    });
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ h: expect.stringMatching(/^4::aW1hZ2UvanBlZw==:/) });
  });

  it('resumes an interrupted upload from the offset the session reports', async () => {
    const opened = await call('POST', `${V}/${PHONE.app}/uploads?file_length=1000&file_type=application/pdf`, {
      token: PHONE.token,
    });
    const session = opened.json.id as string;
    const auth = `OAuth ${PHONE.token}`;
    const part = await call('POST', `${V}/${session}`, { auth, raw: JPEG.subarray(0, 400), headers: { file_offset: '0' } });
    expect(part.json).toEqual({ id: session, file_offset: 400 });
    expect((await call('GET', `${V}/${session}`, { auth })).json).toEqual({ id: session, file_offset: 400 });
    const wrong = await call('POST', `${V}/${session}`, { auth, raw: JPEG.subarray(400), headers: { file_offset: '0' } });
    expect(errorOf(wrong)).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('resume from 400') } });
    const rest = await call('POST', `${V}/${session}`, { auth, raw: JPEG.subarray(400), headers: { file_offset: '400' } });
    expect(rest.json.h).toEqual(expect.stringMatching(/^4::/));
  });

  it('refuses what Meta refuses, with Graph errors', async () => {
    const open = (query: string, token = PHONE.token, app = PHONE.app) => call('POST', `${V}/${app}/uploads?${query}`, { token });
    expect(errorOf(await open('file_length=10&file_type=image/gif'))).toMatchObject({ code: 100 });
    expect(errorOf(await open('file_type=image/png'))).toMatchObject({ code: 100 });
    expect(errorOf(await open('file_length=0&file_type=image/png'))).toMatchObject({ code: 100 });
    expect(errorOf(await open(`file_length=${100 * 1024 * 1024 + 1}&file_type=application/pdf`))).toMatchObject({ code: 100 });
    // Another app's token; an app nobody registered.
    expect(errorOf(await open('file_length=10&file_type=image/png', OTHER.token))).toMatchObject({ code: 190 });
    expect(errorOf(await open('file_length=10&file_type=image/png', PHONE.token, '123'))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });

    const session = (await open('file_length=1000&file_type=image/jpeg')).json.id as string;
    const step2 = (
      auth: string | undefined,
      raw: Buffer,
      headers: Record<string, string> = { file_offset: '0' },
      path = session,
    ) => call('POST', `${V}/${path}`, { ...(auth === undefined ? {} : { auth }), raw, headers });
    expect(errorOf(await step2(`Bearer ${PHONE.token}`, JPEG))).toMatchObject({ code: 190 });
    expect(errorOf(await step2(undefined, JPEG))).toMatchObject({ code: 190 });
    expect(errorOf(await step2(`OAuth ${OTHER.token}`, JPEG))).toMatchObject({ code: 190 });
    expect(errorOf(await step2(`OAuth ${PHONE.token}`, JPEG, {}))).toMatchObject({ code: 100 });
    expect(errorOf(await step2(`OAuth ${PHONE.token}`, JPEG, { file_offset: '5' }))).toMatchObject({ code: 100 });
    expect(errorOf(await step2(`OAuth ${PHONE.token}`, Buffer.alloc(1_001)))).toMatchObject({ code: 100 });
    expect(errorOf(await step2(`OAuth ${PHONE.token}`, JPEG, { file_offset: '0' }, 'upload:nope?sig=x'))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    const unsigned = session.split('?')[0] as string;
    expect(errorOf(await step2(`OAuth ${PHONE.token}`, JPEG, { file_offset: '0' }, unsigned))).toMatchObject({
      error_subcode: 33,
    });
    // None of the refusals took bytes: the session still starts at 0.
    expect((await step2(`OAuth ${PHONE.token}`, JPEG)).json.h).toEqual(expect.stringMatching(/^4::/));
  });
});

describe('media headers need an uploaded handle', () => {
  it('creates a template whose IMAGE header example is a handle issued to the app, starting UNKNOWN quality', async () => {
    const { handle } = await upload(JPEG, 'image/jpeg');
    const created = await call('POST', `${V}/${PHONE.waba}/message_templates`, {
      token: PHONE.token,
      body: imageTemplate('spring_sale', handle),
    });
    expect(created.status).toBe(200);
    const read = await call('GET', `${V}/${created.json.id as string}`, { token: PHONE.token });
    expect(read.json.quality_score).toEqual({ score: 'UNKNOWN', date: expect.any(Number) });
  });

  it('refuses a URL, an unknown handle, another app’s handle and a handle of the wrong type, like Meta (100/2388273)', async () => {
    const refused = async (handle: unknown, format = 'IMAGE') => {
      const answer = await call('POST', `${V}/${PHONE.waba}/message_templates`, {
        token: PHONE.token,
        body: imageTemplate('spring_sale', handle, format),
      });
      expect(answer.status).toBe(400);
      return errorOf(answer);
    };
    const url = await refused('https://example.com/sale.jpg');
    expect(url).toMatchObject({
      code: 100,
      error_subcode: 2388273,
      message: '(#100) Invalid parameter',
      error_data: { details: expect.stringContaining('Resumable Upload API') },
    });
    expect(url.error_data.details).toContain('Templates with IMAGE header type need an example/sample');
    expect(await refused(undefined)).toMatchObject({ code: 100, error_subcode: 2388273 });
    expect(await refused('4::made-up')).toMatchObject({ code: 100, error_subcode: 2388273 });
    const others = await upload(JPEG, 'image/jpeg', OTHER);
    expect(await refused(others.handle)).toMatchObject({ error_subcode: 2388273 });
    const video = await upload(JPEG, 'video/mp4');
    expect((await refused(video.handle)).error_data.details).toContain('video/mp4');
    const pdf = await upload(JPEG, 'application/pdf');
    expect(
      (
        await call('POST', `${V}/${PHONE.waba}/message_templates`, {
          token: PHONE.token,
          body: imageTemplate('brochure', pdf.handle, 'DOCUMENT'),
        })
      ).status,
    ).toBe(200);
  });
});

describe('GET /{waba}/message_templates', () => {
  beforeEach(async () => {
    await call('PUT', '/_sim/templates', {
      body: [
        { wabaId: PHONE.waba, name: 'alpha', language: 'en_US', category: 'MARKETING' },
        { wabaId: PHONE.waba, name: 'alpha', language: 'de', category: 'MARKETING', quality_score: 'YELLOW' },
        { wabaId: PHONE.waba, name: 'beta', language: 'en_US', category: 'UTILITY', status: 'PENDING' },
        { wabaId: PHONE.waba, name: 'gamma', language: 'en_US', category: 'UTILITY', status: 'REJECTED' },
        { wabaId: OTHER.waba, name: 'alpha', language: 'en_US' },
      ],
    });
  });

  it('gives the fields asked for, quality_score included; seeded templates are GREEN when approved, else UNKNOWN', async () => {
    const listed = await call(
      'GET',
      `${V}/${PHONE.waba}/message_templates?fields=name,language,status,quality_score,rejected_reason,nonsense`,
      { token: PHONE.token },
    );
    expect(listed.status).toBe(200);
    expect(listed.json.data).toEqual([
      {
        name: 'alpha',
        language: 'en_US',
        status: 'APPROVED',
        quality_score: { score: 'GREEN', date: expect.any(Number) },
        rejected_reason: 'NONE',
        id: expect.any(String),
      },
      {
        name: 'alpha',
        language: 'de',
        status: 'APPROVED',
        quality_score: { score: 'YELLOW', date: expect.any(Number) },
        rejected_reason: 'NONE',
        id: expect.any(String),
      },
      {
        name: 'beta',
        language: 'en_US',
        status: 'PENDING',
        quality_score: { score: 'UNKNOWN', date: expect.any(Number) },
        rejected_reason: 'NONE',
        id: expect.any(String),
      },
      {
        name: 'gamma',
        language: 'en_US',
        status: 'REJECTED',
        quality_score: { score: 'UNKNOWN', date: expect.any(Number) },
        rejected_reason: 'INCORRECT_CATEGORY',
        id: expect.any(String),
      },
    ]);
  });

  it('pages with limit and after, and filters by name, status, category and language', async () => {
    const first = await call('GET', `${V}/${PHONE.waba}/message_templates?fields=name&limit=3`, { token: PHONE.token });
    expect(first.json.data).toHaveLength(3);
    expect(first.json.paging.next).toEqual(expect.any(String));
    const after = first.json.paging.cursors.after as string;
    const second = await call('GET', `${V}/${PHONE.waba}/message_templates?fields=name&limit=3&after=${after}`, {
      token: PHONE.token,
    });
    expect(second.json.data.map((t: Json) => t.name)).toEqual(['gamma']);
    expect(second.json.paging.next).toBeUndefined();

    const names = async (q: string) =>
      (await call('GET', `${V}/${PHONE.waba}/message_templates?fields=name,language&${q}`, { token: PHONE.token })).json.data.map(
        (t: Json) => `${t.name as string}/${t.language as string}`,
      );
    expect(await names('status=APPROVED')).toEqual(['alpha/en_US', 'alpha/de']);
    expect(await names('category=UTILITY')).toEqual(['beta/en_US', 'gamma/en_US']);
    expect(await names('language=de')).toEqual(['alpha/de']);
    expect(await names('name=gam')).toEqual(['gamma/en_US']);
  });
});

describe('DELETE /{waba}/message_templates', () => {
  beforeEach(async () => {
    await call('PUT', '/_sim/templates', {
      body: [
        { wabaId: PHONE.waba, name: 'alpha', language: 'en_US' },
        { wabaId: PHONE.waba, name: 'alpha', language: 'de' },
        { wabaId: PHONE.waba, name: 'beta', language: 'en_US' },
      ],
    });
  });
  const names = async () =>
    (await call('GET', `${V}/${PHONE.waba}/message_templates?fields=name,language`, { token: PHONE.token })).json.data.map(
      (t: Json) => `${t.name as string}/${t.language as string}`,
    );

  it('deletes every language of a name', async () => {
    expect(await call('DELETE', `${V}/${PHONE.waba}/message_templates?name=alpha`, { token: PHONE.token })).toEqual({
      status: 200,
      json: { success: true },
    });
    expect(await names()).toEqual(['beta/en_US']);
  });

  it('deletes only the template with hsm_id', async () => {
    const listed = await call('GET', `${V}/${PHONE.waba}/message_templates?fields=name,language&language=de`, {
      token: PHONE.token,
    });
    const id = listed.json.data[0].id as string;
    const deleted = await call('DELETE', `${V}/${PHONE.waba}/message_templates?name=alpha&hsm_id=${id}`, { token: PHONE.token });
    expect(deleted.json).toEqual({ success: true });
    expect(await names()).toEqual(['alpha/en_US', 'beta/en_US']);
  });

  it('refuses an unknown name, an id of another name, no name, and another WABA’s token', async () => {
    const del = (q: string, token = PHONE.token) => call('DELETE', `${V}/${PHONE.waba}/message_templates?${q}`, { token });
    const unknown = await del('name=nope');
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown)).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('not found') } });
    const beta = (await call('GET', `${V}/${PHONE.waba}/message_templates?name=beta`, { token: PHONE.token })).json.data[0].id;
    expect(errorOf(await del(`name=alpha&hsm_id=${beta as string}`))).toMatchObject({ code: 100 });
    expect(errorOf(await del('hsm_id=1'))).toMatchObject({ code: 100 });
    expect(errorOf(await del('name=alpha', OTHER.token))).toMatchObject({ code: 190 });
    expect(await names()).toEqual(['alpha/en_US', 'alpha/de', 'beta/en_US']);
  });
});

describe('/_sim quality and category changes send their webhooks', () => {
  let id: string;
  beforeEach(async () => {
    const seeded = await call('PUT', '/_sim/templates', {
      body: { wabaId: PHONE.waba, name: 'order_update', language: 'en_US', category: 'UTILITY' },
    });
    id = seeded.json.data[0].id as string;
  });
  const changes = () => posts.map((post) => (post.payload as Json).entry[0].changes[0] as { field: string; value: Json });

  it('PUT /_sim/templates/:id/quality sends message_template_quality_update on a change', async () => {
    const set = await call('PUT', `/_sim/templates/${id}/quality`, { body: { score: 'RED' } });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ quality_score: { score: 'RED' }, webhookSent: true });
    expect(changes()).toEqual([
      {
        field: 'message_template_quality_update',
        value: {
          previous_quality_score: 'GREEN',
          new_quality_score: 'RED',
          message_template_id: Number(id),
          message_template_name: 'order_update',
          message_template_language: 'en_US',
        },
      },
    ]);
    expect(posts[0]).toMatchObject({ url: 'http://127.0.0.1:1/hook', appSecret: `secret-${PHONE.id}` });
    expect((await call('PUT', `/_sim/templates/${id}/quality`, { body: { score: 'RED' } })).json.webhookSent).toBe(false);
    expect(posts).toHaveLength(1);
    expect((await call('PUT', `/_sim/templates/${id}/quality`, { body: { score: 'PURPLE' } })).status).toBe(400);
    expect((await call('PUT', '/_sim/templates/1/quality', { body: { score: 'RED' } })).status).toBe(404);
  });

  it('PUT /_sim/templates/:id/category changes the category and sends template_category_update', async () => {
    const set = await call('PUT', `/_sim/templates/${id}/category`, { body: { category: 'MARKETING' } });
    expect(set.json).toMatchObject({ category: 'MARKETING', webhookSent: true });
    expect(changes()).toEqual([
      {
        field: 'template_category_update',
        value: {
          message_template_id: Number(id),
          message_template_name: 'order_update',
          message_template_language: 'en_US',
          previous_category: 'UTILITY',
          new_category: 'MARKETING',
        },
      },
    ]);
    expect((await call('PUT', `/_sim/templates/${id}/category`, { body: { category: 'OTHER' } })).status).toBe(400);
  });

  it('an impending change only announces it, with correct_category and when', async () => {
    const set = await call('PUT', `/_sim/templates/${id}/category`, {
      body: { category: 'MARKETING', impending: true, effectiveAt: '2030-01-02T03:04:05Z' },
    });
    expect(set.json).toMatchObject({ category: 'UTILITY', webhookSent: true });
    expect(changes()[0]).toEqual({
      field: 'template_category_update',
      value: {
        message_template_id: Number(id),
        message_template_name: 'order_update',
        message_template_language: 'en_US',
        correct_category: 'MARKETING',
        new_category: 'UTILITY',
        category_update_timestamp: Date.parse('2030-01-02T03:04:05Z') / 1000,
      },
    });
  });

  it('a PAUSED status webhook carries other_info, Meta’s explanation', async () => {
    await call('PUT', `/_sim/templates/${id}/status`, { body: { status: 'PAUSED' } });
    await call('PUT', `/_sim/templates/${id}/status`, {
      body: { status: 'DISABLED', otherInfo: { title: 'LOCKED', description: 'Locked for editing.' } },
    });
    expect(changes().map((c) => [c.value.event, c.value.other_info])).toEqual([
      ['PAUSED', { title: 'FIRST_PAUSE', description: expect.stringContaining('paused') }],
      ['DISABLED', { title: 'LOCKED', description: 'Locked for editing.' }],
    ]);
  });

  it('sends none with templates.statusWebhooks off', async () => {
    await call('PUT', '/_sim/config', { body: { templates: { statusWebhooks: false } } });
    expect((await call('PUT', `/_sim/templates/${id}/quality`, { body: { score: 'YELLOW' } })).json.webhookSent).toBe(false);
    expect(posts).toHaveLength(0);
  });
});
