// Messenger and Instagram through the Graph route and /_sim, on an injected clock with webhook posts captured: the
// rules a send meets (user known, block, 24-hour window, tags, rate limits) and the webhooks that follow.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AdminApi } from '../admin-api.service';
import type { Reply } from '../graph-api.service';
import { defaultRuntimeConfig, mergeRuntimeConfig } from '../simulator.config';
import { Simulator } from '../simulator.service';
import type { WebhookPost } from '../webhook-delivery.service';

const PAGE = '104857600000001';
const IG = '17841400000000002';
const TOKEN = 'EAAG-page-token';
const IG_TOKEN = 'IGQV-token';
const USER = '24012345678901234';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the loose JSON a client sees */
type Json = Record<string, any>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const simulators: Simulator[] = [];
afterEach(async () => {
  for (const sim of simulators.splice(0)) await sim.stop();
});

function harness(patch: unknown = {}) {
  let clock = 1_700_000_000_000;
  const base = mergeRuntimeConfig(defaultRuntimeConfig(), {
    seed: 7,
    statuses: { latencyMs: 0, deliveredProbability: 1, readProbability: 1, duplicateProbability: 0, reorderProbability: 0 },
  });
  if (!base.ok) throw new Error(base.problems.join('; '));
  const merged = mergeRuntimeConfig(base.config, patch);
  if (!merged.ok) throw new Error(merged.problems.join('; '));
  const sim = new Simulator({ config: merged.config, now: () => clock });
  simulators.push(sim);
  const posts: WebhookPost[] = [];
  jest.spyOn(sim.delivery, 'post').mockImplementation((post: WebhookPost) => {
    posts.push(post);
  });
  const admin = new AdminApi(sim);
  const adminCall = (method: string, path: string[], value?: unknown, query = '') => {
    const reply = admin.handle(
      method,
      path,
      new URLSearchParams(query),
      value === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(value)),
    );
    return { status: reply.status, json: JSON.parse(reply.body) as Json };
  };
  const answer = (reply: Reply | undefined) => {
    if (!reply) throw new Error('not routed to a page');
    if (reply.kind !== 'json') throw new Error('the request was held');
    return { status: reply.status, json: JSON.parse(reply.body) as Json };
  };
  const register = (id: string, platform: 'messenger' | 'instagram', extra: Json = {}) =>
    adminCall('PUT', ['pages', id], {
      platform,
      accessToken: platform === 'messenger' ? TOKEN : IG_TOKEN,
      appSecret: 'page-secret',
      webhookUrl: 'http://127.0.0.1:1/hooks/meta',
      ...extra,
    });
  expect(register(PAGE, 'messenger', { name: 'Herald Coffee' }).status).toBe(201);
  expect(register(IG, 'instagram', { name: 'Herald Coffee IG', username: 'heraldcoffee' }).status).toBe(201);
  return {
    sim,
    posts,
    admin: adminCall,
    register,
    advance: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
    send: (body: Json, page = PAGE, token = page === IG ? IG_TOKEN : TOKEN) =>
      answer(
        sim.platforms.pages.route(
          'POST',
          page,
          'messages',
          `Bearer ${token}`,
          new URLSearchParams(),
          Buffer.from(JSON.stringify(body)),
          'application/json',
        ),
      ),
    get: (page: string, authorization: string | undefined, fields?: string) =>
      answer(
        sim.platforms.pages.route(
          'GET',
          page,
          undefined,
          authorization,
          new URLSearchParams(fields ? { fields } : {}),
          Buffer.alloc(0),
          undefined,
        ),
      ),
    inbound: (value: Json, page = PAGE) => adminCall('POST', ['pages', page, 'inbound'], value),
    /** Posted page events, after the due ones ran. */
    events: async () => {
      await sleep(25);
      return posts.filter((post) => post.kind === 'pageEvent').map((post) => post.payload as Json);
    },
  };
}

const text = (to = USER, extra: Json = {}) => ({
  recipient: { id: to },
  messaging_type: 'RESPONSE',
  message: { text: 'Hi there' },
  ...extra,
});

describe('page registration and lookup', () => {
  it('answers GET /{id} with the right token: Messenger {id, name}, Instagram {id, username, name}; else 190', () => {
    const h = harness();
    expect(h.get(PAGE, `Bearer ${TOKEN}`).json).toEqual({ id: PAGE, name: 'Herald Coffee' });
    expect(h.get(IG, `Bearer ${IG_TOKEN}`).json).toEqual({ id: IG, username: 'heraldcoffee', name: 'Herald Coffee IG' });
    expect(h.get(IG, `Bearer ${IG_TOKEN}`, 'id,username').json).toEqual({ id: IG, username: 'heraldcoffee' });
    const missing = h.get(PAGE, undefined);
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatchObject({ code: 190, type: 'OAuthException' });
    const wrong = h.get(PAGE, `Bearer ${IG_TOKEN}`);
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe(190);
    // /me resolves to the page whose token is given.
    expect(
      h.sim.platforms.pages.route(
        'GET',
        'me',
        undefined,
        `Bearer ${IG_TOKEN}`,
        new URLSearchParams(),
        Buffer.alloc(0),
        undefined,
      ),
    ).toMatchObject({ status: 200 });
    // An id that is not a page is left to the WhatsApp routes.
    expect(
      h.sim.platforms.pages.route('GET', '999', undefined, `Bearer ${TOKEN}`, new URLSearchParams(), Buffer.alloc(0), undefined),
    ).toBeUndefined();
  });

  it('refuses bad registrations and an id already used by a WhatsApp number', () => {
    const h = harness();
    expect(h.admin('PUT', ['pages', '1'], { platform: 'telegram', accessToken: '', appSecret: 's' }).json.error.problems).toEqual(
      ['platform: must be "messenger" or "instagram"', 'accessToken: must be a non-empty string of at most 2048 characters'],
    );
    h.admin('PUT', ['phone-numbers', '555'], {
      wabaId: '1',
      displayPhoneNumber: '15550001111',
      accessToken: 't',
      appSecret: 's',
    });
    expect(h.register('555', 'messenger').status).toBe(409);
    expect(
      h.admin('PUT', ['phone-numbers', PAGE], {
        wabaId: '1',
        displayPhoneNumber: '15550001111',
        accessToken: 't',
        appSecret: 's',
      }).status,
    ).toBe(409);
    expect(h.register(PAGE, 'messenger').status).toBe(200);
    expect(h.admin('GET', ['pages', PAGE]).json).toMatchObject({
      pageId: PAGE,
      platform: 'messenger',
      messagesPerSecond: 300,
      stats: { accepted: 0 },
    });
  });
});

describe('sends', () => {
  it('refuses a user who never wrote with 100/2018001, then accepts a reply with {recipient_id, message_id}', () => {
    const h = harness();
    const unknown = h.send(text());
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toEqual({
      message: '(#100) No matching user found',
      type: 'OAuthException',
      code: 100,
      error_subcode: 2018001,
      fbtrace_id: expect.any(String),
    });
    expect(h.inbound({ from: USER, text: 'Hello?' }).status).toBe(202);
    const sent = h.send(text());
    expect(sent.status).toBe(200);
    expect(sent.json).toEqual({ recipient_id: USER, message_id: expect.stringMatching(/^m_/) });
    const kept = h.admin('GET', ['pages', PAGE, 'messages']).json.data;
    expect(kept).toEqual([{ mid: sent.json.message_id, recipientId: USER, at: new Date(h.now()).toISOString(), body: text() }]);
  });

  it('closes RESPONSE and UPDATE after 24 hours (10/2018278); tags reach further', () => {
    const h = harness();
    h.inbound({ from: USER, text: 'Hi' });
    h.inbound({ from: USER, text: 'Hi' }, IG);
    h.advance(DAY - 1);
    expect(h.send(text(USER, { messaging_type: 'UPDATE' })).status).toBe(200);
    h.advance(1);
    const closed = h.send(text());
    expect(closed.json.error).toMatchObject({
      code: 10,
      error_subcode: 2018278,
      message: '(#10) This message is sent outside of allowed window.',
    });
    const tag = (value: string) => text(USER, { messaging_type: 'MESSAGE_TAG', tag: value });
    expect(h.send(tag('HUMAN_AGENT')).status).toBe(200);
    expect(h.send(tag('HUMAN_AGENT'), IG).status).toBe(200);
    h.advance(6 * DAY);
    expect(h.send(tag('HUMAN_AGENT')).json.error.error_subcode).toBe(2018278);
    expect(h.send(tag('HUMAN_AGENT'), IG).json.error.error_subcode).toBe(2018278);
    expect(h.send(tag('ACCOUNT_UPDATE')).status).toBe(200);
    expect(h.send(tag('ACCOUNT_UPDATE'), IG).json.error.code).toBe(100);
    // A new message reopens the window.
    h.inbound({ from: USER, text: 'Back' });
    expect(h.send(text()).status).toBe(200);
  });

  it('answers 551 to a user who blocked the page, until the user writes again', () => {
    const h = harness();
    h.inbound({ from: USER, text: 'Hi' });
    expect(h.admin('POST', ['pages', PAGE, 'block'], { user: USER }).status).toBe(200);
    expect(h.send(text()).json.error).toMatchObject({ code: 551, message: "(#551) This person isn't available right now." });
    expect(h.admin('GET', ['pages', PAGE]).json.stats).toMatchObject({ blocked: [USER], rejectedByCode: { '551': 1 } });
    h.inbound({ from: USER, text: 'Sorry' });
    expect(h.send(text()).status).toBe(200);
    expect(h.admin('POST', ['pages', PAGE, 'block'], { user: 'stranger' }).status).toBe(404);
  });

  it('limits each page to messagesPerSecond in a sliding second, and audio/video to 10/s, with 613', () => {
    const h = harness();
    h.register(PAGE, 'messenger', { messagesPerSecond: 5 });
    h.inbound({ from: USER, text: 'Hi' });
    for (let i = 0; i < 5; i++) expect(h.send(text()).status).toBe(200);
    expect(h.send(text()).json.error).toMatchObject({
      code: 613,
      message: '(#613) Calls to this api have exceeded the rate limit.',
    });
    h.advance(1000);
    expect(h.send(text()).status).toBe(200);

    h.inbound({ from: USER, text: 'Hi' }, IG);
    const video = text(USER, { message: { attachment: { type: 'video', payload: { url: 'https://example.com/v.mp4' } } } });
    for (let i = 0; i < 10; i++) expect(h.send(video, IG).status).toBe(200);
    expect(h.send(video, IG).json.error.code).toBe(613);
    expect(h.send(text(), IG).status).toBe(200);
  });

  it('takes the token as access_token and the body as a form, as Meta’s examples send them', () => {
    const h = harness();
    h.inbound({ from: USER, text: 'Hi' });
    const form = new URLSearchParams({
      recipient: JSON.stringify({ id: USER }),
      messaging_type: 'RESPONSE',
      message: JSON.stringify({ text: 'Hi' }),
    });
    const reply = h.sim.platforms.pages.route(
      'POST',
      PAGE,
      'messages',
      undefined,
      new URLSearchParams({ access_token: TOKEN }),
      Buffer.from(form.toString()),
      'application/x-www-form-urlencoded',
    );
    expect(reply).toMatchObject({ kind: 'json', status: 200 });
  });

  it('injects the configured faults: transient 1/2 with HTTP 500', () => {
    const h = harness({ faults: { serverErrorShare: 1 } });
    h.inbound({ from: USER, text: 'Hi' });
    const failed = h.send(text());
    expect(failed.status).toBe(500);
    expect([1, 2]).toContain(failed.json.error.code);
    expect(failed.json.error.is_transient).toBe(true);
  });
});

describe('webhooks', () => {
  it('posts a user message, quick reply and postback right away, signed with the page’s app secret', async () => {
    const h = harness();
    const message = h.inbound({ from: USER, text: 'Hi', replyTo: 'm_earlier' });
    const quick = h.inbound({ from: USER, quickReply: { payload: 'YES', title: 'Yes' } });
    const postback = h.inbound({ from: USER, postback: { title: 'Start', payload: 'GET_STARTED' } });
    const photo = h.inbound({ from: USER, attachment: { type: 'image', url: 'https://example.com/cat.png' } }, IG);
    const events = await h.events();
    expect(h.posts.every((post) => post.appSecret === 'page-secret' && post.url === 'http://127.0.0.1:1/hooks/meta')).toBe(true);
    expect(events[0]).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: h.now(),
          messaging: [
            {
              sender: { id: USER },
              recipient: { id: PAGE },
              timestamp: h.now(),
              message: { mid: message.json.mid, text: 'Hi', reply_to: { mid: 'm_earlier' } },
            },
          ],
        },
      ],
    });
    expect(events[1]?.entry[0].messaging[0].message).toEqual({
      mid: quick.json.mid,
      text: 'Yes',
      quick_reply: { payload: 'YES' },
    });
    expect(events[2]?.entry[0].messaging[0].postback).toEqual({ mid: postback.json.mid, title: 'Start', payload: 'GET_STARTED' });
    expect(events[3]).toMatchObject({
      object: 'instagram',
      entry: [
        {
          id: IG,
          messaging: [
            {
              message: { mid: photo.json.mid, attachments: [{ type: 'image', payload: { url: 'https://example.com/cat.png' } }] },
            },
          ],
        },
      ],
    });
    expect(h.inbound({ from: USER, postback: { title: 'x', payload: 'x' }, text: 'also' }).status).toBe(400);
  });

  it('follows a Messenger send with message_deliveries (mids, watermark) and message_reads (watermark)', async () => {
    const h = harness({ statuses: { latencyMs: 100 } });
    h.inbound({ from: USER, text: 'Hi' });
    const sentAt = h.now();
    const mid = h.send(text()).json.message_id as string;
    h.advance(100);
    await sleep(25);
    h.advance(100);
    const events = (await h.events()).slice(1).map((payload) => payload.entry[0].messaging[0] as Json);
    expect(events).toEqual([
      { sender: { id: USER }, recipient: { id: PAGE }, delivery: { mids: [mid], watermark: sentAt + 100 } },
      { sender: { id: USER }, recipient: { id: PAGE }, timestamp: sentAt + 200, read: { watermark: sentAt + 200 } },
    ]);
    expect(h.admin('GET', ['pages', PAGE]).json.stats).toMatchObject({ accepted: 1, deliveries: 1, reads: 1, inbound: 1 });
  });

  it('follows an Instagram send with messaging_seen naming the message, and no delivery event', async () => {
    const h = harness();
    h.inbound({ from: USER, text: 'Hi' }, IG);
    const mid = h.send(text(), IG).json.message_id as string;
    const events = (await h.events()).slice(1);
    expect(events).toEqual([
      {
        object: 'instagram',
        entry: [
          {
            id: IG,
            time: h.now(),
            messaging: [{ sender: { id: USER }, recipient: { id: IG }, timestamp: h.now(), read: { mid } }],
          },
        ],
      },
    ]);
  });

  it('sends no receipts for undelivered messages, and none planned before a reset', async () => {
    const h = harness({ statuses: { deliveredProbability: 0 } });
    h.inbound({ from: USER, text: 'Hi' });
    h.send(text());
    expect((await h.events()).length).toBe(1);

    const g = harness({ statuses: { latencyMs: 50 } });
    g.inbound({ from: USER, text: 'Hi' });
    g.send(text());
    g.admin('POST', ['reset'], {});
    g.advance(1000);
    expect((await g.events()).length).toBe(1);
    // The reset forgot the user: a send is refused again until the user writes.
    expect(g.send(text()).json.error.error_subcode).toBe(2018001);
    expect(g.admin('GET', ['pages', PAGE]).status).toBe(200);
    g.admin('POST', ['reset'], { platforms: true });
    expect(g.admin('GET', ['pages', PAGE]).status).toBe(404);
  });
});
