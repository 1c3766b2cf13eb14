// Messenger, Instagram and Telegram over the real server, driven over HTTP like Herald's adapters drive the
// platforms, with a webhook receiver of our own: routing beside WhatsApp, signatures, the secret header, retries.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { defaultRuntimeConfig, mergeRuntimeConfig } from '../simulator.config';
import { SimulatorServer } from '../simulator-server.service';
import { Simulator } from '../simulator.service';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the loose JSON a client sees */
type Json = Record<string, any>;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  json: Json;
}

const PHONE = { id: '106540352242922', token: 'EAA-whatsapp' };
const PAGE = { id: '104857600000001', token: 'EAAG-page', secret: 'page-app-secret' };
const BOT = { id: '7000000001', token: '7000000001:AAH-simulated_secret' };
const USER = '24012345678901234';
const CHAT = 512000001;

let simulator: Simulator;
let server: SimulatorServer;
let base: string;
let receiver: Server;
let hookBase: string;
const received: Received[] = [];
let failuresLeft = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: (text.startsWith('{') ? JSON.parse(text) : {}) as Json,
  };
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/flaky' && failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(502).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      received.push({ path: req.url ?? '', headers: req.headers, raw, json: JSON.parse(raw.toString('utf8')) as Json });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), {
    seed: 3,
    statuses: {
      latencyMs: { min: 2, max: 5 },
      deliveredProbability: 1,
      readProbability: 1,
      duplicateProbability: 0,
      reorderProbability: 0,
    },
    webhooks: { flushIntervalMs: 10, retryDelayMs: 20 },
    serviceWindow: { enforce: false },
  });
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  simulator = new Simulator({ config: merged.config });
  server = new SimulatorServer(simulator);
  base = `http://127.0.0.1:${(await server.listen(0, '127.0.0.1')).port}`;
});

afterAll(async () => {
  await server.close(500);
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(async () => {
  received.length = 0;
  failuresLeft = 0;
  await call('POST', '/_sim/reset', { phoneNumbers: true, platforms: true });
  expect(
    (
      await call('PUT', `/_sim/phone-numbers/${PHONE.id}`, {
        wabaId: '102290129340398',
        displayPhoneNumber: '+1 555 078 3881',
        accessToken: PHONE.token,
        appSecret: 'wa-secret',
        webhookUrl: `${hookBase}/whatsapp`,
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call('PUT', `/_sim/pages/${PAGE.id}`, {
        platform: 'messenger',
        accessToken: PAGE.token,
        appSecret: PAGE.secret,
        name: 'Herald Coffee',
        webhookUrl: `${hookBase}/meta`,
      })
    ).status,
  ).toBe(201);
  expect((await call('PUT', `/_sim/telegram-bots/${BOT.id}`, { token: BOT.token, username: 'HeraldTestBot' })).status).toBe(201);
});

describe('Messenger over HTTP', () => {
  it('routes /{page}/messages to the Send API and /{phone}/messages to WhatsApp on the same Graph path', async () => {
    const inbound = await call('POST', `/_sim/pages/${PAGE.id}/inbound`, { from: USER, text: 'Hi' });
    expect(inbound.status).toBe(202);
    const page = await call(
      'POST',
      `/v23.0/${PAGE.id}/messages`,
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { text: 'Hello!' } },
      { authorization: `Bearer ${PAGE.token}` },
    );
    expect(page.status).toBe(200);
    expect(page.json).toEqual({ recipient_id: USER, message_id: expect.stringMatching(/^m_/) });
    const whatsapp = await call(
      'POST',
      `/v23.0/${PHONE.id}/messages`,
      { messaging_product: 'whatsapp', to: '15551234567', type: 'text', text: { body: 'Hi' } },
      { authorization: `Bearer ${PHONE.token}` },
    );
    expect(whatsapp.json.messages[0].id).toMatch(/^wamid\./);
    const me = await call('GET', `/v23.0/me?fields=id,name&access_token=${PAGE.token}`);
    expect(me.json).toEqual({ id: PAGE.id, name: 'Herald Coffee' });
  });

  it('signs page webhooks with the page’s app secret over the exact bytes, envelope object "page"', async () => {
    await call('POST', `/_sim/pages/${PAGE.id}/inbound`, { from: USER, postback: { title: 'Start', payload: 'GET_STARTED' } });
    await call(
      'POST',
      `/v23.0/${PAGE.id}/messages`,
      { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { text: 'Welcome' } },
      { authorization: `Bearer ${PAGE.token}` },
    );
    const posts = await waitFor(() => {
      const mine = received.filter((post) => post.path === '/meta');
      return mine.length >= 3 ? mine : undefined;
    }, 'postback, delivery and read');
    for (const post of posts) {
      expect(post.headers['x-hub-signature-256']).toBe(
        `sha256=${createHmac('sha256', PAGE.secret).update(post.raw).digest('hex')}`,
      );
      expect(post.json.object).toBe('page');
    }
    const events = posts.map((post) => post.json.entry[0].messaging[0] as Json);
    // Posts go out on several connections: they may arrive in any order, as Meta's may.
    expect(events.find((event) => event.postback)?.postback).toMatchObject({ title: 'Start', payload: 'GET_STARTED' });
    expect(events.some((event) => event.delivery)).toBe(true);
    expect(events.some((event) => event.read)).toBe(true);
    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.platforms.pages).toMatchObject({ pages: 1, accepted: 1, inbound: 1 });
  });
});

describe('Telegram over HTTP', () => {
  it('takes a form-encoded setWebhook and posts each update with X-Telegram-Bot-Api-Secret-Token, retrying failures', async () => {
    const form = new URLSearchParams({
      url: `${hookBase}/flaky`,
      secret_token: 'herald-tg-secret',
      allowed_updates: '["message","callback_query"]',
    });
    const set = await call('POST', `/bot${BOT.token}/setWebhook`, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(set.json).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    failuresLeft = 1;
    const update = await call('POST', `/_sim/telegram-bots/${BOT.id}/updates`, { chatId: CHAT, firstName: 'Ada', text: 'hello' });
    expect(update.status).toBe(202);
    const post = await waitFor(() => received.find((item) => item.path === '/flaky'), 'the update after a retry');
    expect(post.headers['x-telegram-bot-api-secret-token']).toBe('herald-tg-secret');
    expect(post.headers['x-hub-signature-256']).toBeUndefined();
    expect(post.json).toMatchObject({ update_id: update.json.updateId, message: { text: 'hello', chat: { id: CHAT } } });
    const stats = (await call('GET', '/_sim/stats')).json;
    expect(stats.webhooks.retries).toBeGreaterThanOrEqual(1);

    const sent = await call('POST', `/bot${BOT.token}/sendMessage`, { chat_id: CHAT, text: 'Hi Ada' });
    expect(sent.json.result.text).toBe('Hi Ada');
    expect((await call('GET', `/bot${BOT.token}/getMe`)).json.result.username).toBe('HeraldTestBot');
    const unknown = await call('POST', `/bot${BOT.id}:nope/getMe`, {});
    expect(unknown.status).toBe(401);
  });

  it('serves a user’s file at /file/bot<token>/<file_path>', async () => {
    const data = Buffer.from('%PDF-1.4 hello').toString('base64');
    const update = await call('POST', `/_sim/telegram-bots/${BOT.id}/updates`, { chatId: CHAT, photo: { data } });
    const file = await call('GET', `/bot${BOT.token}/getFile?file_id=${encodeURIComponent(update.json.fileId as string)}`);
    const download = await fetch(`${base}/file/bot${BOT.token}/${file.json.result.file_path as string}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('%PDF-1.4 hello');
    expect((await fetch(`${base}/file/bot${BOT.id}:nope/${file.json.result.file_path as string}`)).status).toBe(401);
  });
});
