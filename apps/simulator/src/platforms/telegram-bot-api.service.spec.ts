// Telegram's Bot API through /bot<token>/<method> and /_sim, on an injected clock with webhook posts captured:
// who may be messaged, flood control, webhooks and their secret header, callback queries, files.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { AdminApi } from '../admin-api.service';
import type { Reply } from '../graph-api.service';
import { defaultRuntimeConfig, mergeRuntimeConfig } from '../simulator.config';
import { Simulator } from '../simulator.service';
import type { WebhookPost } from '../webhook-delivery.service';

const BOT = '7000000001';
const TOKEN = `${BOT}:AAH-simulated-secret_0123456789`;
const CHAT = 512_000_001;
const HOOK = 'http://127.0.0.1:1/hooks/telegram';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as the loose JSON a client sees */
type Json = Record<string, any>;

const simulators: Simulator[] = [];
afterEach(async () => {
  for (const sim of simulators.splice(0)) await sim.stop();
});

function harness(patch: unknown = {}) {
  let clock = 1_700_000_000_000;
  const merged = mergeRuntimeConfig(defaultRuntimeConfig(), patch);
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
  const answer = (reply: Reply) => {
    if (reply.kind !== 'json') throw new Error('the request was held');
    return { status: reply.status, json: JSON.parse(reply.body) as Json };
  };
  expect(adminCall('PUT', ['telegram-bots', BOT], { token: TOKEN, username: 'HeraldTestBot', firstName: 'Herald' }).status).toBe(
    201,
  );
  return {
    sim,
    posts,
    admin: adminCall,
    advance: (ms: number) => {
      clock += ms;
    },
    call: (method: string, params: Json = {}, token = TOKEN) =>
      answer(
        sim.platforms.telegram.handle(
          `/bot${token}/${method}`,
          new URLSearchParams(),
          Buffer.from(JSON.stringify(params)),
          'application/json',
        ),
      ),
    user: (value: Json) => adminCall('POST', ['telegram-bots', BOT, 'updates'], { chatId: CHAT, firstName: 'Ada', ...value }),
    updates: () => posts.filter((post) => post.kind === 'telegramUpdate').map((post) => post.payload as Json),
  };
}

describe('calls', () => {
  it('answers getMe; an unknown token 401 Unauthorized; an unknown method 404 Not Found', () => {
    const h = harness();
    expect(h.call('getMe').json).toEqual({
      ok: true,
      result: {
        id: Number(BOT),
        is_bot: true,
        first_name: 'Herald',
        username: 'HeraldTestBot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      },
    });
    expect(h.call('getMe', {}, `${BOT}:wrong`)).toEqual({
      status: 401,
      json: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(h.call('sendTelepathy')).toEqual({ status: 404, json: { ok: false, error_code: 404, description: 'Not Found' } });
    // Method names are case-insensitive, and parameters may come as a query string.
    const viaQuery = h.sim.platforms.telegram.handle(`/bot${TOKEN}/GETME`, new URLSearchParams(), Buffer.alloc(0), undefined);
    expect(viaQuery).toMatchObject({ status: 200 });
  });

  it('refuses a token that is not "<botId>:<secret>"', () => {
    const h = harness();
    expect(h.admin('PUT', ['telegram-bots', '42'], { token: `${BOT}:abc`, username: 'OtherBot' }).json.error.problems).toEqual([
      'token: must start with the bot id, "42:"',
    ]);
  });
});

describe('sendMessage', () => {
  it('refuses a chat that never wrote (403), accepts once it did, with per-chat increasing message ids', () => {
    const h = harness();
    expect(h.call('sendMessage', { chat_id: CHAT, text: 'Hi' })).toEqual({
      status: 403,
      json: { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" },
    });
    h.user({ text: '/start campaign42' });
    const first = h.call('sendMessage', { chat_id: String(CHAT), text: 'Welcome!', parse_mode: 'HTML' });
    expect(first.json).toEqual({
      ok: true,
      result: {
        message_id: expect.any(Number),
        from: expect.objectContaining({ id: Number(BOT), is_bot: true }),
        chat: { id: CHAT, type: 'private', first_name: 'Ada' },
        date: 1_700_000_000,
        text: 'Welcome!',
      },
    });
    const second = h.call('sendMessage', { chat_id: CHAT, text: 'Again' });
    expect(second.json.result.message_id).toBeGreaterThan(first.json.result.message_id);
    expect(h.admin('GET', ['telegram-bots', BOT, 'messages']).json.data.map((sent: Json) => sent.messageId)).toEqual([
      first.json.result.message_id,
      second.json.result.message_id,
    ]);
  });

  it('answers bad requests in Telegram’s words', () => {
    const h = harness();
    h.user({ text: 'hi' });
    const bad = (params: Json) => h.call('sendMessage', { chat_id: CHAT, ...params });
    expect(h.call('sendMessage', { text: 'x' }).json.description).toBe('Bad Request: chat_id is empty');
    expect(bad({ chat_id: '@someone', text: 'x' }).json.description).toBe('Bad Request: chat not found');
    expect(bad({ text: '' })).toEqual({
      status: 400,
      json: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' },
    });
    expect(bad({ text: 'x'.repeat(4097) }).json.description).toBe('Bad Request: message is too long');
    expect(bad({ text: 'Done.', parse_mode: 'MarkdownV2' }).json.description).toContain("Character '.' is reserved");
    expect(
      bad({ text: 'x', reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'y'.repeat(65) }]] } }).json.description,
    ).toBe('Bad Request: BUTTON_DATA_INVALID');
    expect(bad({ text: 'x', reply_to_message_id: 1 }).json.description).toBe('Bad Request: message to be replied not found');
  });

  it('answers 403 blocked after the user blocked the bot, posting my_chat_member member → kicked', () => {
    const h = harness();
    h.call('setWebhook', { url: HOOK });
    h.user({ text: 'hi' });
    const blocked = h.admin('POST', ['telegram-bots', BOT, 'block'], { chatId: CHAT });
    expect(blocked.json).toEqual({ chatId: CHAT, blocked: true, updateId: expect.any(Number) });
    expect(h.call('sendMessage', { chat_id: CHAT, text: 'x' }).json).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    const change = h.updates().at(-1) as Json;
    expect(change).toEqual({
      update_id: blocked.json.updateId,
      my_chat_member: {
        chat: { id: CHAT, type: 'private', first_name: 'Ada' },
        from: { id: CHAT, is_bot: false, first_name: 'Ada', language_code: 'en' },
        date: 1_700_000_000,
        old_chat_member: { user: expect.objectContaining({ id: Number(BOT) }), status: 'member' },
        new_chat_member: { user: expect.objectContaining({ id: Number(BOT) }), status: 'kicked', until_date: 0 },
      },
    });
    // Writing again lifts the block (with its own my_chat_member update).
    h.user({ text: 'back' });
    expect(h.updates().at(-2)?.my_chat_member.new_chat_member.status).toBe('member');
    expect(h.call('sendMessage', { chat_id: CHAT, text: 'x' }).status).toBe(200);
  });

  it('answers 429 with retry_after beyond a burst into one chat, and beyond 30/s per bot', () => {
    const h = harness({ telegram: { chatBurst: 3, chatMessagesPerSecond: 1, botMessagesPerSecond: 30 } });
    h.user({ text: 'hi' });
    for (let i = 0; i < 3; i++) expect(h.call('sendMessage', { chat_id: CHAT, text: `m${i}` }).status).toBe(200);
    expect(h.call('sendMessage', { chat_id: CHAT, text: 'more' })).toEqual({
      status: 429,
      json: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
    });
    h.advance(1000);
    expect(h.call('sendMessage', { chat_id: CHAT, text: 'later' }).status).toBe(200);

    h.advance(10_000);
    for (let chat = 1; chat <= 31; chat++) h.admin('POST', ['telegram-bots', BOT, 'updates'], { chatId: chat, text: 'hi' });
    for (let chat = 1; chat <= 30; chat++) expect(h.call('sendMessage', { chat_id: chat, text: 'news' }).status).toBe(200);
    expect(h.call('sendMessage', { chat_id: 31, text: 'news' }).json.parameters).toEqual({ retry_after: 1 });
  });
});

describe('webhook and updates', () => {
  it('keeps updates until setWebhook, then posts them one per POST with the secret token header, in order', () => {
    const h = harness();
    const first = h.user({ text: 'hi' });
    expect(h.updates()).toEqual([]);
    expect(h.call('getWebhookInfo').json.result).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 1 });
    expect(
      h.call('setWebhook', {
        url: HOOK,
        secret_token: 'herald_secret-1',
        allowed_updates: ['message', 'callback_query', 'my_chat_member'],
      }).json,
    ).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was set',
    });
    const second = h.user({ text: 'again' });
    expect(h.posts.map((post) => [post.url, post.headers])).toEqual([
      [HOOK, { 'x-telegram-bot-api-secret-token': 'herald_secret-1' }],
      [HOOK, { 'x-telegram-bot-api-secret-token': 'herald_secret-1' }],
    ]);
    expect(h.updates()).toEqual([
      {
        update_id: first.json.updateId,
        message: {
          message_id: first.json.messageId,
          from: { id: CHAT, is_bot: false, first_name: 'Ada', language_code: 'en' },
          chat: { id: CHAT, type: 'private', first_name: 'Ada' },
          date: 1_700_000_000,
          text: 'hi',
        },
      },
      expect.objectContaining({ update_id: second.json.updateId }),
    ]);
    expect(second.json.updateId).toBe(first.json.updateId + 1);
    expect(h.call('getWebhookInfo').json.result).toEqual({
      url: HOOK,
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 40,
      allowed_updates: ['message', 'callback_query', 'my_chat_member'],
    });
    expect(h.call('setWebhook', { url: HOOK, secret_token: 'bad token!' }).json.description).toBe(
      'Bad Request: secret token contains unallowed characters',
    );
    expect(h.call('getUpdates').status).toBe(409);
    expect(h.call('deleteWebhook').json).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
  });

  it('marks /start with a bot_command entity, and delivers updates by getUpdates without a webhook', () => {
    const h = harness();
    const start = h.user({ text: '/start promo_7' });
    expect(start.json.message.entities).toEqual([{ offset: 0, length: 6, type: 'bot_command' }]);
    h.user({ text: 'second' });
    const polled = h.call('getUpdates').json.result as Json[];
    expect(polled.map((update) => update.message.text)).toEqual(['/start promo_7', 'second']);
    expect(h.call('getUpdates', { offset: start.json.updateId + 1 }).json.result).toHaveLength(1);
  });

  it('signs nothing with the Meta secret: no X-Hub-Signature, only Telegram’s header (none without a secret)', () => {
    const h = harness();
    h.call('setWebhook', { url: HOOK });
    h.user({ text: 'hi' });
    expect(h.posts[0]?.headers).toEqual({});
  });
});

describe('callback queries', () => {
  it('posts a press of an inline button as callback_query with the bot’s message, answerable exactly once', () => {
    const h = harness();
    h.call('setWebhook', { url: HOOK });
    h.user({ text: 'hi' });
    const keyboard = {
      inline_keyboard: [
        [
          { text: 'Yes', callback_data: 'rsvp:yes' },
          { text: 'Site', url: 'https://example.com' },
        ],
      ],
    };
    const sent = h.call('sendMessage', { chat_id: CHAT, text: 'Coming?', reply_markup: keyboard }).json.result as Json;
    expect(sent.reply_markup).toEqual(keyboard);
    expect(h.user({ callbackData: 'rsvp:maybe', messageId: sent.message_id }).status).toBe(400);
    const press = h.user({ callbackData: 'rsvp:yes', messageId: sent.message_id });
    expect(press.status).toBe(202);
    expect(h.updates().at(-1)).toEqual({
      update_id: press.json.updateId,
      callback_query: {
        id: press.json.callbackQueryId,
        from: { id: CHAT, is_bot: false, first_name: 'Ada', language_code: 'en' },
        message: sent,
        chat_instance: expect.stringMatching(/^\d+$/),
        data: 'rsvp:yes',
      },
    });
    expect(h.admin('GET', ['telegram-bots', BOT]).json.openCallbackQueries).toEqual([press.json.callbackQueryId]);
    expect(h.call('answerCallbackQuery', { callback_query_id: press.json.callbackQueryId, text: 'Thanks!' }).json).toEqual({
      ok: true,
      result: true,
    });
    const again = h.call('answerCallbackQuery', { callback_query_id: press.json.callbackQueryId });
    expect(again).toEqual({
      status: 400,
      json: {
        ok: false,
        error_code: 400,
        description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
      },
    });
    expect(h.call('answerCallbackQuery', { callback_query_id: 'nope' }).status).toBe(400);
    expect(h.admin('GET', ['telegram-bots', BOT]).json).toMatchObject({
      answeredCallbackQueries: [press.json.callbackQueryId],
      openCallbackQueries: [],
      stats: { callbackQueriesAnswered: 1 },
    });
  });
});

describe('media and files', () => {
  it('sends media by URL (documents only PDF, ZIP, GIF), re-sends by file_id, serves a user’s photo through getFile', () => {
    const h = harness();
    h.user({ text: 'hi' });
    const photo = h.call('sendPhoto', { chat_id: CHAT, photo: 'https://example.com/a.jpg', caption: 'Look' }).json.result as Json;
    expect(photo.caption).toBe('Look');
    const fileId = photo.photo[1].file_id as string;
    h.advance(2000);
    expect(h.call('sendPhoto', { chat_id: CHAT, photo: fileId }).json.result.photo[1].file_id).toBe(fileId);
    h.advance(2000);
    expect(h.call('sendPhoto', { chat_id: CHAT, photo: 'not-a-file' }).json.description).toBe(
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
    expect(h.call('sendPhoto', { chat_id: CHAT }).json.description).toBe('Bad Request: there is no photo in the request');
    expect(h.call('sendPhoto', { chat_id: CHAT, photo: 'https://e.com/a.jpg', caption: 'x'.repeat(1025) }).json.description).toBe(
      'Bad Request: message caption is too long',
    );
    expect(h.call('sendDocument', { chat_id: CHAT, document: 'https://example.com/menu.docx' }).json.description).toBe(
      'Bad Request: wrong type of the web page content',
    );
    expect(
      h.call('sendDocument', { chat_id: CHAT, document: 'https://example.com/menu.pdf' }).json.result.document,
    ).toMatchObject({
      file_name: 'menu.pdf',
      mime_type: 'application/pdf',
    });
    h.advance(2000);
    expect(
      h.call('sendVenue', { chat_id: CHAT, latitude: 52.5, longitude: 13.4, title: 'Café', address: 'Main St 1' }).json.result
        .venue,
    ).toEqual({
      location: { latitude: 52.5, longitude: 13.4 },
      title: 'Café',
      address: 'Main St 1',
    });
    expect(h.call('sendLocation', { chat_id: CHAT, latitude: 91, longitude: 0 }).status).toBe(400);

    const sent = h.user({ photo: true, text: 'my receipt' });
    const file = h.call('getFile', { file_id: sent.json.fileId }).json.result as Json;
    expect(file).toEqual({
      file_id: sent.json.fileId,
      file_unique_id: expect.any(String),
      file_size: 70,
      file_path: expect.stringMatching(/^photos\/file_\d+\.png$/),
    });
    const bytes = h.sim.platforms.telegram.file(`/file/bot${TOKEN}/${file.file_path}`);
    expect(bytes.ok && bytes.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(h.sim.platforms.telegram.file(`/file/bot${TOKEN}/photos/nothing.png`)).toMatchObject({ ok: false, status: 404 });
    expect(h.call('getFile', { file_id: 'nope' }).json.description).toBe('Bad Request: invalid file_id');
  });
});
