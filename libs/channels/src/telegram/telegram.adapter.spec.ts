import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { OutboundMessage, SendRequest } from '../channel-provider.types';
import type { TelegramCredentials } from '../platform.types';
import { TelegramAdapter, type TelegramAdapterOptions } from './telegram.adapter';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for api.telegram.org on 127.0.0.1, port 0, under an optional path prefix (as a simulator's root). */
class FakeBotApi {
  private constructor(
    private readonly server: Server,
    readonly requests: Received[],
  ) {}

  static async start(answer: (req: Received, res: ServerResponse) => void): Promise<FakeBotApi> {
    const requests: Received[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        requests.push(received);
        answer(received, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeBotApi(server, requests);
  }

  /** Counts the connections the server accepts from now on. */
  countConnections(): { count: number } {
    const counter = { count: 0 };
    this.server.on('connection', () => (counter.count += 1));
    return counter;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The JSON bodies of the requests so far. */
  get bodies(): unknown[] {
    return this.requests.map((r) => (r.body === '' ? undefined : (JSON.parse(r.body) as unknown)));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The token format of the Bot API docs' own example. */
const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const CHAT = '1111111';
/** A sent Message as sendMessage answers it (core.telegram.org/bots/api#message). */
const SENT = {
  ok: true,
  result: {
    message_id: 1366,
    from: { id: 123456, is_bot: true, first_name: 'Herald', username: 'herald_bot' },
    chat: { id: 1111111, first_name: 'Test Firstname', type: 'private' },
    date: 1441645600,
    text: 'Hello',
  },
};

function sendOf(message: OutboundMessage, extra: Partial<SendRequest> = {}): SendRequest {
  return { to: CHAT, message, callbackData: 'msg_1', ...extra };
}

describe(TelegramAdapter.name, () => {
  let api: FakeBotApi | undefined;
  let adapter: TelegramAdapter | undefined;

  async function setUp(answer: (req: Received, res: ServerResponse) => void, options: TelegramAdapterOptions = {}, prefix = '') {
    api = await FakeBotApi.start(answer);
    adapter = new TelegramAdapter({ requestTimeoutMs: 2_000, ...options });
    const credentials: TelegramCredentials = { apiBaseUrl: `${api.origin}${prefix}`, botToken: TOKEN };
    return { api, adapter, credentials };
  }

  afterEach(async () => {
    await api?.stop();
    await adapter?.close();
    api = undefined;
    adapter = undefined;
  });

  describe('send', () => {
    it('posts sendMessage to /bot<token>/ and returns <chat id>:<message id>, sent at once', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      const outcome = await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hello' } }));

      expect(outcome).toEqual({ ok: true, providerMessageId: '1111111:1366', recipientId: '1111111', sent: true });
      expect(api.requests).toHaveLength(1);
      const [req] = api.requests;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe(`/bot${TOKEN}/sendMessage`);
      expect(req!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req!.body)).toEqual({ chat_id: CHAT, text: 'Hello' });
    });

    it('keeps the path of a root that has one (a simulator)', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), {}, '/telegram/');
      expect((await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hello' } }))).ok).toBe(true);
      expect(api.requests[0]!.url).toBe(`/telegram/bot${TOKEN}/sendMessage`);
    });

    const kinds: ReadonlyArray<readonly [string, OutboundMessage, string, Record<string, unknown>]> = [
      [
        'a formatted text without a link preview, replying',
        { type: 'text', text: { body: '<b>Hi</b>', parseMode: 'HTML', previewUrl: false }, replyTo: '1111111:1365' },
        'sendMessage',
        {
          chat_id: CHAT,
          text: '<b>Hi</b>',
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          reply_parameters: { message_id: 1365, allow_sending_without_reply: true },
        },
      ],
      [
        'an image with a caption',
        { type: 'image', image: { link: 'https://example.com/a.jpg', caption: 'Look' } },
        'sendPhoto',
        { chat_id: CHAT, photo: 'https://example.com/a.jpg', caption: 'Look' },
      ],
      [
        'a video',
        { type: 'video', video: { link: 'https://example.com/a.mp4' } },
        'sendVideo',
        { chat_id: CHAT, video: 'https://example.com/a.mp4' },
      ],
      [
        'a document with a caption',
        { type: 'document', document: { link: 'https://example.com/report.pdf', caption: 'Q3' } },
        'sendDocument',
        { chat_id: CHAT, document: 'https://example.com/report.pdf', caption: 'Q3' },
      ],
      [
        'an audio file',
        { type: 'audio', audio: { link: 'https://example.com/a.mp3' } },
        'sendAudio',
        { chat_id: CHAT, audio: 'https://example.com/a.mp3' },
      ],
      [
        'a sticker',
        { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } },
        'sendSticker',
        { chat_id: CHAT, sticker: 'https://example.com/s.webp' },
      ],
      [
        'a point',
        { type: 'location', location: { latitude: 52.37, longitude: 4.89 } },
        'sendLocation',
        { chat_id: CHAT, latitude: 52.37, longitude: 4.89 },
      ],
      [
        'a place with a name and address, as a venue',
        { type: 'location', location: { latitude: 52.37, longitude: 4.89, name: 'Dam', address: 'Dam 1, Amsterdam' } },
        'sendVenue',
        { chat_id: CHAT, latitude: 52.37, longitude: 4.89, title: 'Dam', address: 'Dam 1, Amsterdam' },
      ],
      [
        'a text with buttons, as an inline keyboard of one button a row',
        {
          type: 'buttons',
          buttons: {
            text: 'Pick one',
            buttons: [
              { type: 'url', title: 'Open the shop', url: 'https://example.com/shop' },
              { type: 'postback', title: 'Yes, please', payload: 'YES' },
            ],
          },
        },
        'sendMessage',
        {
          chat_id: CHAT,
          text: 'Pick one',
          reply_markup: {
            inline_keyboard: [
              [{ text: 'Open the shop', url: 'https://example.com/shop' }],
              [{ text: 'Yes, please', callback_data: 'YES' }],
            ],
          },
        },
      ],
    ];
    it.each(kinds)('sends %s', async (_name, message, method, body) => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      expect(await adapter.send(credentials, sendOf(message))).toMatchObject({ ok: true, providerMessageId: '1111111:1366' });
      expect(api.requests.map((r) => r.url)).toEqual([`/bot${TOKEN}/${method}`]);
      expect(api.bodies).toEqual([body]);
    });

    it('refuses a message Telegram cannot carry before calling it', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      const outcome = await adapter.send(
        credentials,
        sendOf({ type: 'document', document: { link: 'https://example.com/r', filename: 'report.pdf' } }),
      );
      expect(outcome).toEqual({
        ok: false,
        error: expect.objectContaining({ category: 'invalid_request', code: 'invalid_message', retriable: false }),
      });
      expect(!outcome.ok && outcome.error.details).toContain('document.filename');
      expect(api.requests).toHaveLength(0);
    });

    it('does not validate a prevalidated message again', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      // Over the limit Herald's validation sets; Herald built it, so it goes and Telegram judges it.
      const body = 'a'.repeat(4_097);
      expect((await adapter.send(credentials, sendOf({ type: 'text', text: { body } }, { prevalidated: true }))).ok).toBe(true);
      expect(api.bodies).toEqual([{ chat_id: CHAT, text: body }]);
    });

    it('refuses a kind Telegram has no method for even when prevalidated', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      const outcome = await adapter.send(
        credentials,
        sendOf({ type: 'template', template: { name: 'hello', language: 'en' } }, { prevalidated: true }),
      );
      expect(outcome).toMatchObject({ ok: false, error: { category: 'invalid_request' } });
      expect(api.requests).toHaveLength(0);
    });

    it('refuses a recipient that is not a chat id, and a malformed token, without a request', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      expect(
        await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }, { to: '+16505551234' })),
      ).toMatchObject({
        ok: false,
        error: { code: 'invalid_recipient', category: 'invalid_request' },
      });
      expect(
        await adapter.send({ ...credentials, botToken: '../getMe?' }, sendOf({ type: 'text', text: { body: 'Hi' } })),
      ).toMatchObject({
        ok: false,
        error: { code: 'invalid_bot_token', category: 'auth_expired' },
      });
      expect(api.requests).toHaveLength(0);
    });

    it('sends to a group or a @channel by its id as given', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { ok: true, result: { ...SENT.result, chat: { id: -1001234567890, type: 'channel', title: 'News' } } }),
      );
      expect(
        await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }, { to: '@herald_news' })),
      ).toMatchObject({
        ok: true,
        providerMessageId: '-1001234567890:1366',
        recipientId: '-1001234567890',
      });
      expect(api.bodies).toEqual([{ chat_id: '@herald_news', text: 'Hi' }]);
    });

    it('reports a success without the sent message as unexpected, never to be resent blindly', async () => {
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { ok: true, result: true }));
      expect(await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }))).toMatchObject({
        ok: false,
        error: { code: 'unexpected_response', retriable: false },
      });
    });

    it('reads a 429 as throttled with retry_after', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 429, {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 34',
          parameters: { retry_after: 34 },
        }),
      );
      expect(await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }))).toEqual({
        ok: false,
        error: {
          code: '429',
          title: 'Too Many Requests',
          details: 'Too Many Requests: retry after 34',
          retriable: true,
          category: 'throttled',
          httpStatus: 429,
          docsUrl: 'https://core.telegram.org/bots/api#making-requests',
          retryAfterMs: 34_000,
        },
      });
    });

    it.each([
      [403, 'Forbidden: bot was blocked by the user', 'recipient_unreachable', false],
      [403, "Forbidden: bot can't initiate conversation with a user", 'recipient_unreachable', false],
      [403, 'Forbidden: user is deactivated', 'recipient_unreachable', false],
      [400, 'Bad Request: chat not found', 'recipient_unreachable', false],
      [
        400,
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0",
        'invalid_request',
        false,
      ],
      [401, 'Unauthorized', 'auth_expired', false],
      [404, 'Not Found', 'auth_expired', false],
      [500, 'Internal Server Error', 'transient', true],
    ])('reads %i "%s" as %s', async (status, description, category, retriable) => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, status, { ok: false, error_code: status, description }),
      );
      const outcome = await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }));
      expect(outcome).toMatchObject({
        ok: false,
        error: { code: String(status), details: description, category, retriable, httpStatus: status },
      });
    });

    it("reads a non-JSON answer (a proxy's error page) as transient", async () => {
      const { adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><body>502 Bad Gateway</body></html>');
      });
      expect(await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }))).toMatchObject({
        ok: false,
        error: { code: 'http_502', category: 'transient', retriable: true },
      });
    });

    it('times out a call Telegram does not answer, as in doubt', async () => {
      const { api, adapter, credentials } = await setUp(() => undefined, { requestTimeoutMs: 200 });
      const started = Date.now();
      const outcome = await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }));
      expect(outcome).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'timeout', category: 'transient', retriable: true }),
      });
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(api.requests).toHaveLength(1);
      expect(!outcome.ok && outcome.error.details).not.toContain(TOKEN);
    });

    it('reports a refused connection as network_error without the token', async () => {
      const { api, adapter, credentials } = await setUp(() => undefined);
      await api.stop();
      const outcome = await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }));
      expect(outcome).toMatchObject({ ok: false, error: { code: 'network_error', category: 'transient', retriable: true } });
      expect(!outcome.ok && outcome.error.details).not.toContain(TOKEN);
    });

    it('keeps the connection alive between sends', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), { connections: 1 });
      const connections = api.countConnections();
      for (let i = 0; i < 5; i += 1)
        expect((await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'Hi' } }))).ok).toBe(true);
      expect(connections.count).toBe(1);
    });
  });

  describe('verifyCredentials', () => {
    it('asks getMe who the bot is', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, {
          ok: true,
          result: { id: 123456, is_bot: true, first_name: 'Herald', username: 'herald_bot', can_join_groups: true },
        }),
      );
      expect(await adapter.verifyCredentials(credentials)).toEqual({
        ok: true,
        senderId: '123456',
        name: 'Herald',
        username: 'herald_bot',
      });
      expect(api.requests.map((r) => r.url)).toEqual([`/bot${TOKEN}/getMe`]);
    });

    it('reads a revoked token as auth_expired', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' }),
      );
      expect(await adapter.verifyCredentials(credentials)).toMatchObject({
        ok: false,
        error: { category: 'auth_expired', code: '401' },
      });
    });
  });

  describe('setWebhook', () => {
    it('sets the URL, the secret token and the three update kinds Herald reads', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { ok: true, result: true, description: 'Webhook was set' }),
      );
      expect(await adapter.setWebhook(credentials, 'https://herald.example.com/webhooks/telegram/ch_1', 'sEcReT_-123')).toEqual({
        ok: true,
      });
      expect(api.requests.map((r) => r.url)).toEqual([`/bot${TOKEN}/setWebhook`]);
      expect(api.bodies).toEqual([
        {
          url: 'https://herald.example.com/webhooks/telegram/ch_1',
          secret_token: 'sEcReT_-123',
          allowed_updates: ['message', 'callback_query', 'my_chat_member'],
        },
      ]);
    });

    it('refuses a secret token Telegram would refuse, without a request', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, { ok: true, result: true }));
      for (const secret of ['', 'has space', 'a'.repeat(257)]) {
        expect(await adapter.setWebhook(credentials, 'https://herald.example.com/w', secret)).toMatchObject({
          ok: false,
          error: { code: 'invalid_secret_token' },
        });
      }
      expect(await adapter.setWebhook(credentials, 'https://herald.example.com/w', 'a'.repeat(256))).toEqual({ ok: true });
      expect(api.requests).toHaveLength(1);
    });

    it("passes Telegram's refusal on", async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
        }),
      );
      expect(await adapter.setWebhook(credentials, 'http://herald.example.com/w', 'secret')).toMatchObject({
        ok: false,
        error: { category: 'invalid_request', code: '400' },
      });
    });
  });

  describe('answerCallbackQuery', () => {
    it('answers with and without a text', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, { ok: true, result: true }));
      expect(await adapter.answerCallbackQuery(credentials, '4382bfdwdsb323b2d9')).toEqual({ ok: true });
      expect(await adapter.answerCallbackQuery(credentials, '4382bfdwdsb323b2d9', 'Thanks!')).toEqual({ ok: true });
      expect(api.requests.map((r) => r.url)).toEqual([`/bot${TOKEN}/answerCallbackQuery`, `/bot${TOKEN}/answerCallbackQuery`]);
      expect(api.bodies).toEqual([
        { callback_query_id: '4382bfdwdsb323b2d9' },
        { callback_query_id: '4382bfdwdsb323b2d9', text: 'Thanks!' },
      ]);
    });

    it('refuses a text over 200 characters, without a request', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, { ok: true, result: true }));
      expect((await adapter.answerCallbackQuery(credentials, '1', 't'.repeat(200))).ok).toBe(true);
      expect(await adapter.answerCallbackQuery(credentials, '1', 't'.repeat(201))).toMatchObject({
        ok: false,
        error: { category: 'invalid_request' },
      });
      expect(api.requests).toHaveLength(1);
    });
  });

  describe('downloadMedia', () => {
    const FILE = Buffer.from('\xff\xd8\xff\xe0 a jpeg, pretend', 'latin1');

    function fileServer(file: Record<string, unknown>, download: (res: ServerResponse) => void) {
      return (req: Received, res: ServerResponse): void => {
        if (req.url === `/bot${TOKEN}/getFile`) json(res, 200, { ok: true, result: file });
        else if (req.url.startsWith(`/file/bot${TOKEN}/`)) download(res);
        else json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      };
    }

    it('asks getFile for the path, then streams /file/bot<token>/<file_path>', async () => {
      const { api, adapter, credentials } = await setUp(
        fileServer(
          { file_id: 'AgACAgQAAxkBAAMC', file_unique_id: 'AQAD', file_size: FILE.length, file_path: 'photos/file_0.jpg' },
          (res) => {
            res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(FILE.length) });
            res.end(FILE);
          },
        ),
      );
      const outcome = await adapter.downloadMedia(credentials, 'AgACAgQAAxkBAAMC');
      expect(outcome).toMatchObject({
        ok: true,
        mimeType: 'image/jpeg',
        fileSize: FILE.length,
        contentLength: FILE.length,
        sha256: null,
      });
      if (!outcome.ok) throw new Error('expected a download');
      const chunks: Buffer[] = [];
      for await (const chunk of outcome.body) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(FILE);
      expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        `POST /bot${TOKEN}/getFile`,
        `GET /file/bot${TOKEN}/photos/file_0.jpg`,
      ]);
      expect(api.bodies[0]).toEqual({ file_id: 'AgACAgQAAxkBAAMC' });
    });

    it('refuses a file larger than the bound before downloading it', async () => {
      const { api, adapter, credentials } = await setUp(
        fileServer({ file_id: 'BQACAgQ', file_unique_id: 'AQAD', file_size: 5_000, file_path: 'documents/file_1.pdf' }, (res) =>
          res.end(),
        ),
      );
      expect(await adapter.downloadMedia(credentials, 'BQACAgQ', { maxBytes: 4_999 })).toMatchObject({
        ok: false,
        gone: false,
        error: { code: 'media_too_large' },
      });
      expect(api.requests).toHaveLength(1);
    });

    it('reports a file_id Telegram does not know as gone', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' }),
      );
      expect(await adapter.downloadMedia(credentials, 'AgACAgQAAxkBAAMC')).toMatchObject({
        ok: false,
        gone: true,
        error: { code: '400' },
      });
    });

    it('reports an expired download link as gone, without the token', async () => {
      const { adapter, credentials } = await setUp(
        fileServer({ file_id: 'AgAC', file_unique_id: 'AQAD', file_path: 'photos/file_0.jpg' }, (res) => {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end(`no /file/bot${TOKEN}/photos/file_0.jpg here`);
        }),
      );
      const outcome = await adapter.downloadMedia(credentials, 'AgAC');
      expect(outcome).toMatchObject({ ok: false, gone: true, error: { code: 'media_gone' } });
      expect(!outcome.ok && outcome.error.details).not.toContain(TOKEN);
    });

    it('refuses something that is not a file_id without a request', async () => {
      const { api, adapter, credentials } = await setUp((_req, res) => json(res, 200, {}));
      expect(await adapter.downloadMedia(credentials, '../getMe')).toMatchObject({
        ok: false,
        gone: true,
        error: { code: 'invalid_media_id' },
      });
      expect(api.requests).toHaveLength(0);
    });
  });
});
