// The real server on a free port, driven over HTTP like Herald drives Meta, with a webhook receiver of our own.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig, mergeRuntimeConfig } from './simulator.config';
import { SimulatorServer } from './simulator-server.service';
import { Simulator } from './simulator.service';

interface Received {
  path: string;
  signature: string | undefined;
  raw: Buffer;
  json: {
    object: string;
    entry: Array<{ id: string; changes: Array<{ field: string; value: Record<string, unknown> }> }>;
  };
}

interface StatusEntry {
  id: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  errors?: Array<{ code: number }>;
}

const PHONE = { id: '106540352242922', waba: '102290129340398', token: 'EAAtoken', secret: 'app-secret' };
const SLOW_PHONE = { id: '200000000000002', token: 'slow-token' };

let simulator: Simulator;
let server: SimulatorServer;
let base: string;
let receiver: Server;
let hookBase: string;
const received: Received[] = [];
let flakyFailuresLeft = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function call(method: string, path: string, body?: unknown, token?: string, raw?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const textSend = (to: string, callbackData?: string) => ({
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to,
  type: 'text',
  text: { body: 'Hello from the spec' },
  ...(callbackData ? { biz_opaque_callback_data: callbackData } : {}),
});

function statusesReceived(): StatusEntry[] {
  return received
    .filter((post) => post.json.entry[0]?.changes[0]?.field === 'messages' && post.json.entry[0]?.changes[0]?.value.statuses)
    .flatMap((post) => post.json.entry[0]?.changes[0]?.value.statuses as StatusEntry[]);
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/flaky' && flakyFailuresLeft > 0) {
        flakyFailuresLeft -= 1;
        res.writeHead(500).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      received.push({
        path: req.url ?? '',
        signature: req.headers['x-hub-signature-256'] as string | undefined,
        raw,
        json: JSON.parse(raw.toString('utf8')) as Received['json'],
      });
      res.writeHead(200).end('EVENT_RECEIVED');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), {
    seed: 1,
    statuses: {
      latencyMs: { min: 2, max: 8 },
      deliveredProbability: 1,
      readProbability: 1,
      duplicateProbability: 0,
      reorderProbability: 0,
    },
    webhooks: { flushIntervalMs: 10, retryDelayMs: 20 },
    templates: { approvalDelayMs: 150 },
    // These specs send free-form text to users who never wrote; the window specs turn enforcement back on.
    serviceWindow: { enforce: false },
  });
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  simulator = new Simulator({ config: merged.config });
  server = new SimulatorServer(simulator);
  const address = await server.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await server.close(500);
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received.length = 0;
  await call('POST', '/_sim/reset', { phoneNumbers: true, templates: true, config: true });
  const registered = await call('PUT', `/_sim/phone-numbers/${PHONE.id}`, {
    wabaId: PHONE.waba,
    displayPhoneNumber: '+1 555 078 3881',
    accessToken: PHONE.token,
    appSecret: PHONE.secret,
    webhookUrl: `${hookBase}/webhooks/whatsapp`,
  });
  expect(registered.status).toBe(201);
});

describe(SimulatorServer.name, () => {
  it('accepts a send like Meta, then posts signed sent/delivered/read webhooks that echo the callback data', async () => {
    const sent = await call(
      'POST',
      `/v21.0/${PHONE.id}/messages`,
      textSend('+1 555 123 4567', 'run-7:recipient-42'),
      PHONE.token,
    );
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '+1 555 123 4567', wa_id: '15551234567' }],
      messages: [{ id: expect.stringMatching(/^wamid\./) }],
    });
    const wamid = sent.json.messages[0].id as string;

    const mine = await waitFor(() => {
      const statuses = statusesReceived().filter((s) => s.id === wamid);
      return statuses.length >= 3 ? statuses : undefined;
    }, 'three statuses');
    expect(mine.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    for (const status of mine) {
      expect(status).toMatchObject({ recipient_id: '15551234567', biz_opaque_callback_data: 'run-7:recipient-42' });
    }

    for (const post of received) {
      const expected = createHmac('sha256', PHONE.secret).update(post.raw).digest();
      const given = Buffer.from((post.signature ?? '').replace(/^sha256=/, ''), 'hex');
      expect(post.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(given.length === expected.length && timingSafeEqual(given, expected)).toBe(true);
      expect(post.json.object).toBe('whatsapp_business_account');
      expect(post.json.entry[0]?.id).toBe(PHONE.waba);
      expect(post.json.entry[0]?.changes[0]?.value.metadata).toEqual({
        display_phone_number: '15550783881',
        phone_number_id: PHONE.id,
      });
    }

    const stats = await waitFor(async () => {
      const snapshot = (await call('GET', '/_sim/stats')).json;
      return snapshot.webhooks.statusesSent === 3 ? snapshot : undefined;
    }, 'the stats to count the delivered statuses');
    expect(stats.accepted).toMatchObject({ total: 1, byPhoneNumberId: { [PHONE.id]: 1 } });
    expect(stats.accepted.timesByPhoneNumberId[PHONE.id].spanMs).toBe(0);
    expect(stats.webhooks.statusesSentByStatus).toEqual({ sent: 1, delivered: 1, read: 1, failed: 0 });
    expect(stats.webhooks.postsFailed).toBe(0);
  });

  it('fails recipients that are not on WhatsApp with 131026 and counts repeated callback data', async () => {
    await call('PUT', '/_sim/config', { statuses: { notOnWhatsApp: { numbers: ['+15550000404'] } } });
    const first = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15550000404', 'dup-1'), PHONE.token);
    expect(first.status).toBe(200);
    const failed = await waitFor(() => statusesReceived().find((s) => s.status === 'failed'), 'a failed status');
    expect(failed.errors?.[0]?.code).toBe(131026);
    expect(
      statusesReceived()
        .filter((s) => s.id === failed.id)
        .map((s) => s.status),
    ).toEqual(['failed']);

    await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551112222', 'dup-1'), PHONE.token);
    await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551112222', 'dup-1'), PHONE.token);
    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.callbackData).toEqual({ distinct: 1, duplicates: 2, valuesAcceptedMoreThanOnce: 1 });
  });

  it('enforces the per-number throughput with 130429, counting each violation and not accepting it', async () => {
    await call('PUT', `/_sim/phone-numbers/${SLOW_PHONE.id}`, {
      wabaId: PHONE.waba,
      displayPhoneNumber: '15550000002',
      accessToken: SLOW_PHONE.token,
      appSecret: 'other-secret',
      messagesPerSecond: 5,
    });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('POST', `/v21.0/${SLOW_PHONE.id}/messages`, textSend(`+1555300000${i}`), SLOW_PHONE.token),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.json.error).toMatchObject({
      code: 130429,
      type: 'OAuthException',
      error_data: { messaging_product: 'whatsapp' },
    });
    expect(refused?.json.error.fbtrace_id).toEqual(expect.any(String));

    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.accepted.byPhoneNumberId[SLOW_PHONE.id]).toBe(5);
    expect(stats.throttle.violations).toBe(3);
    expect(stats.throttle.byPhoneNumberId).toEqual({ [SLOW_PHONE.id]: 3 });
    expect(Object.values(stats.throttle.bySecond as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(3);
    expect(stats.rejected.byCode).toEqual({ '130429': 3 });
  });

  it('refuses unknown and unapproved templates with 132001, approves after the delay and reports it by webhook', async () => {
    const template = {
      name: 'spring_sale',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hi {{1}}!' }],
    };
    const templateSend = (parameters: unknown[]) => ({
      messaging_product: 'whatsapp',
      to: '+15551234567',
      type: 'template',
      template: { name: 'spring_sale', language: { code: 'en_US' }, components: [{ type: 'body', parameters }] },
    });
    const unknown = await call('POST', `/v21.0/${PHONE.id}/messages`, templateSend([{ type: 'text', text: 'Ada' }]), PHONE.token);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe(132001);

    const created = await call('POST', `/v21.0/${PHONE.waba}/message_templates`, template, PHONE.token);
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: expect.any(String), status: 'PENDING', category: 'MARKETING' });
    const pending = await call('POST', `/v21.0/${PHONE.id}/messages`, templateSend([{ type: 'text', text: 'Ada' }]), PHONE.token);
    expect(pending.json.error.code).toBe(132001);
    const listed = await call('GET', `/v21.0/${PHONE.waba}/message_templates?name=spring_sale`, undefined, PHONE.token);
    expect(listed.json.data).toEqual([expect.objectContaining({ name: 'spring_sale', status: 'PENDING', id: created.json.id })]);

    const update = await waitFor(
      () => received.find((post) => post.json.entry[0]?.changes[0]?.field === 'message_template_status_update'),
      'the template status webhook',
    );
    expect(update.json.entry[0]?.changes[0]?.value).toMatchObject({
      event: 'APPROVED',
      message_template_name: 'spring_sale',
      reason: 'NONE',
    });
    expect(update.signature).toBe(`sha256=${createHmac('sha256', PHONE.secret).update(update.raw).digest('hex')}`);

    const byId = await call('GET', `/v21.0/${created.json.id as string}`, undefined, PHONE.token);
    expect(byId.json).toMatchObject({ status: 'APPROVED', name: 'spring_sale' });
    const wrongCount = await call('POST', `/v21.0/${PHONE.id}/messages`, templateSend([]), PHONE.token);
    expect(wrongCount.json.error.code).toBe(132000);
    const ok = await call('POST', `/v21.0/${PHONE.id}/messages`, templateSend([{ type: 'text', text: 'Ada' }]), PHONE.token);
    expect(ok.status).toBe(200);
    expect(ok.json.messages[0].message_status).toBe('accepted');
  });

  it('delivers inbound messages (a button reply to our message) as signed messages webhooks', async () => {
    const answer = await call('POST', '/_sim/inbound', {
      phoneNumberId: PHONE.id,
      from: '+15551234567',
      profileName: 'Ada Lovelace',
      buttonReply: { id: 'yes', title: 'Yes please' },
      contextMessageId: 'wamid.OURS',
    });
    expect(answer.status).toBe(202);
    const post = await waitFor(() => received.find((p) => p.json.entry[0]?.changes[0]?.value.messages), 'the inbound webhook');
    const value = post.json.entry[0]?.changes[0]?.value as Record<string, unknown>;
    expect(value.contacts).toEqual([{ profile: { name: 'Ada Lovelace' }, wa_id: '15551234567' }]);
    expect(value.messages).toEqual([
      {
        context: { from: '15550783881', id: 'wamid.OURS' },
        from: '15551234567',
        id: answer.json.messageId,
        timestamp: expect.stringMatching(/^\d+$/),
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes please' } },
      },
    ]);
    expect(post.signature).toBe(`sha256=${createHmac('sha256', PHONE.secret).update(post.raw).digest('hex')}`);
  });

  it('serves an inbound image like Meta: GET /{media-id} gives a 5-minute URL that answers the bytes with the token', async () => {
    const bytes = Buffer.from('a small simulated jpeg');
    const answer = await call('POST', '/_sim/inbound', {
      phoneNumberId: PHONE.id,
      from: '+15551234567',
      image: { mimeType: 'image/jpeg', caption: 'My receipt', data: bytes.toString('base64') },
    });
    expect(answer.status).toBe(202);
    const mediaId = answer.json.mediaId as string;
    expect(mediaId).toMatch(/^\d{16}$/);
    const post = await waitFor(() => received.find((p) => p.json.entry[0]?.changes[0]?.value.messages), 'the inbound webhook');
    const sha256 = createHash('sha256').update(bytes).digest('base64');
    expect((post.json.entry[0]?.changes[0]?.value.messages as unknown[])[0]).toMatchObject({
      type: 'image',
      image: { caption: 'My receipt', mime_type: 'image/jpeg', sha256, id: mediaId },
    });

    expect((await call('GET', `/v26.0/${mediaId}`)).json.error.code).toBe(190);
    expect((await call('GET', `/v26.0/${mediaId}`, undefined, 'another-token')).json.error.code).toBe(190);
    const lookup = await call('GET', `/v26.0/${mediaId}`, undefined, PHONE.token);
    expect(lookup).toEqual({
      status: 200,
      json: { messaging_product: 'whatsapp', url: expect.stringContaining(`${base}/whatsapp_business/attachments/?mid=${mediaId}&ext=`), mime_type: 'image/jpeg', sha256, file_size: String(bytes.length), id: mediaId },
    });
    const url = lookup.json.url as string;
    expect((await fetch(url)).status).toBe(401);
    const download = await fetch(url, { headers: { authorization: `Bearer ${PHONE.token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
    // A tampered URL, an expired one and a forgotten file are 404s; the lookup of a forgotten file is Graph's 100/33.
    expect((await fetch(url.replace(/hash=[^&]+/, 'hash=forged'), { headers: { authorization: `Bearer ${PHONE.token}` } })).status).toBe(404);
    const expired = new URL(url);
    expired.searchParams.set('ext', String(Math.floor(Date.now() / 1000) - 1));
    expect((await fetch(expired, { headers: { authorization: `Bearer ${PHONE.token}` } })).status).toBe(404);
    expect((await call('DELETE', `/_sim/media/${mediaId}`)).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${PHONE.token}` } })).status).toBe(404);
    const gone = await call('GET', `/v26.0/${mediaId}`, undefined, PHONE.token);
    expect([gone.status, gone.json.error.code, gone.json.error.error_subcode]).toEqual([400, 100, 33]);
  });

  it('retries a webhook POST that failed and counts it', async () => {
    flakyFailuresLeft = 2;
    await call('PUT', `/_sim/phone-numbers/${PHONE.id}`, {
      wabaId: PHONE.waba,
      displayPhoneNumber: '15550783881',
      accessToken: PHONE.token,
      appSecret: PHONE.secret,
      webhookUrl: `${hookBase}/flaky`,
    });
    await call('POST', '/_sim/inbound', { phoneNumberId: PHONE.id, from: '+15551234567', text: 'hello?' });
    await waitFor(() => received.find((p) => p.path === '/flaky'), 'the retried webhook');
    const webhooks = await waitFor(async () => {
      const snapshot = (await call('GET', '/_sim/stats')).json.webhooks;
      return snapshot.postsSucceeded === 1 ? snapshot : undefined;
    }, 'the stats to count the delivery');
    expect(webhooks).toMatchObject({ postsFailed: 2, retries: 2, postsSucceeded: 1, abandoned: 0 });
  });

  it('checks the access token and the phone number like Graph', async () => {
    const noToken = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567'));
    expect([noToken.status, noToken.json.error.code]).toEqual([401, 190]);
    const wrongToken = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567'), 'someone-else');
    expect([wrongToken.status, wrongToken.json.error.code]).toEqual([401, 190]);
    const unknown = await call('POST', '/v21.0/999999/messages', textSend('+15551234567'), PHONE.token);
    expect([unknown.status, unknown.json.error.code, unknown.json.error.error_subcode]).toEqual([400, 100, 33]);
    expect(unknown.json.error.message).toContain("Unsupported post request. Object with ID '999999' does not exist");
    const badJson = await call('POST', `/v21.0/${PHONE.id}/messages`, undefined, PHONE.token, '{"messaging_product":');
    expect([badJson.status, badJson.json.error.code]).toEqual([400, 100]);
  });

  it('injects 5xx answers and timeouts, neither of which is accepted', async () => {
    await call('PUT', '/_sim/config', { faults: { serverErrorShare: 1 } });
    const failed = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567'), PHONE.token);
    expect([500, 503]).toContain(failed.status);
    expect([131000, 2]).toContain(failed.json.error.code);

    await call('PUT', '/_sim/config', { faults: { serverErrorShare: 0, timeoutShare: 1 } });
    const held = fetch(`${base}/v21.0/${PHONE.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PHONE.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(textSend('+15551234567')),
      signal: AbortSignal.timeout(150),
    });
    await expect(held).rejects.toThrow();

    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.faults).toMatchObject({ serverError: 1, timeout: 1 });
    expect(stats.accepted.total).toBe(0);
  });

  it('answers 400 with every problem on bad /_sim input, and keeps running', async () => {
    const badJson = await call('PUT', '/_sim/config', undefined, undefined, '{oops');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.message).toContain('not valid JSON');
    const badValues = await call('PUT', '/_sim/config', {
      statuses: { deliveredProbability: 7 },
      webhooks: { maxStatusesPerPost: 0 },
    });
    expect(badValues.status).toBe(400);
    expect(badValues.json.error.problems).toHaveLength(2);
    const badPhone = await call('PUT', '/_sim/phone-numbers/abc', { wabaId: 'x' });
    expect(badPhone.status).toBe(400);
    expect((await call('GET', '/_sim/nope')).status).toBe(404);
    expect((await call('GET', '/_sim/health')).json).toEqual({ ok: true });
  });

  it('delays every Graph answer by latency.responseMs, with a thousand answers in flight on one timer', async () => {
    await call('PUT', '/_sim/config', { latency: { responseMs: 150 } });
    const timed = async (request: () => Promise<{ status: number }>) => {
      const started = performance.now();
      const answer = await request();
      return { status: answer.status, ms: performance.now() - started };
    };
    const send = await timed(() => call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567'), PHONE.token));
    const phone = await timed(() => call('GET', `/v21.0/${PHONE.id}`, undefined, PHONE.token));
    const templates = await timed(() => call('GET', `/v21.0/${PHONE.waba}/message_templates`, undefined, PHONE.token));
    const refused = await timed(() => call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567')));
    const unknown = await timed(() => call('GET', '/v21.0/nope/edge/more', undefined, PHONE.token));
    for (const answer of [send, phone, templates, refused, unknown]) expect(answer.ms).toBeGreaterThanOrEqual(140);
    expect([send.status, phone.status, templates.status, refused.status, unknown.status]).toEqual([200, 200, 200, 401, 400]);
    const stats = await timed(() => call('GET', '/_sim/stats'));
    expect(stats.ms).toBeLessThan(140);

    await call('PUT', `/_sim/phone-numbers/${PHONE.id}`, {
      wabaId: PHONE.waba,
      displayPhoneNumber: '15550783881',
      accessToken: PHONE.token,
      appSecret: PHONE.secret,
      messagesPerSecond: 1_000_000,
    });
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const started = performance.now();
    const inFlight = Array.from({ length: 1000 }, (_, i) =>
      call('POST', `/v21.0/${PHONE.id}/messages`, textSend(`+1555400${String(i).padStart(4, '0')}`), PHONE.token),
    );
    await sleep(100);
    const timersDuring = process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const answers = await Promise.all(inFlight);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(timersDuring - timersBefore).toBeLessThan(20);
  });

  it('reports 131047 in a failed status webhook, and a POST /_sim/inbound opens the window', async () => {
    await call('PUT', '/_sim/config', { serviceWindow: { enforce: true } });
    const closed = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567', 'closed'), PHONE.token);
    expect(closed.status).toBe(200);
    const failed = await waitFor(
      () => statusesReceived().find((s) => s.biz_opaque_callback_data === 'closed'),
      'the failed status',
    );
    expect(failed).toMatchObject({ status: 'failed', errors: [{ code: 131047 }] });

    await call('POST', '/_sim/inbound', { phoneNumberId: PHONE.id, from: '+15551234567', text: 'hello' });
    await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567', 'open'), PHONE.token);
    const mine = await waitFor(() => {
      const statuses = statusesReceived().filter((s) => s.biz_opaque_callback_data === 'open');
      return statuses.length === 3 ? statuses : undefined;
    }, 'three statuses');
    expect(mine.map((s) => s.status).sort()).toEqual(['delivered', 'read', 'sent']);
    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.failed).toEqual({ total: 1, byCode: { '131047': 1 } });
    expect(stats.serviceWindowsOpen).toBe(1);
  });

  it('routes POST /{v}/{phoneNumberId}/marketing_messages and GET /{v}/{wabaId}', async () => {
    await call('PUT', '/_sim/templates', { wabaId: PHONE.waba, name: 'spring_sale', language: 'en_US', category: 'MARKETING' });
    const waba = await call('GET', `/v23.0/${PHONE.waba}`, undefined, PHONE.token);
    expect(waba.json).toEqual({
      id: PHONE.waba,
      marketing_messages_onboarding_status: 'ELIGIBLE',
      owner_business_info: { id: PHONE.waba, name: `Business ${PHONE.waba}` },
    });
    const sent = await call(
      'POST',
      `/v23.0/${PHONE.id}/marketing_messages`,
      {
        messaging_product: 'whatsapp',
        to: '+15551234567',
        type: 'template',
        template: { name: 'spring_sale', language: { code: 'en_US' } },
      },
      PHONE.token,
    );
    expect(sent.status).toBe(200);
    expect(sent.json.messages[0].message_status).toBe('accepted');
    expect((await call('GET', '/_sim/stats')).json.accepted.byEndpoint).toEqual({ messages: 0, marketing_messages: 1 });
  });

  it('resets the stats and seen callback data but keeps phone numbers unless asked', async () => {
    await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567', 'same'), PHONE.token);
    await call('POST', '/_sim/reset');
    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.accepted.total).toBe(0);
    expect((await call('GET', '/_sim/phone-numbers')).json.data).toHaveLength(1);
    await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567', 'same'), PHONE.token);
    expect((await call('GET', '/_sim/stats')).json.callbackData.duplicates).toBe(0);

    await call('POST', '/_sim/reset', { phoneNumbers: true });
    const gone = await call('POST', `/v21.0/${PHONE.id}/messages`, textSend('+15551234567'), PHONE.token);
    expect(gone.json.error.code).toBe(100);
  });
});
