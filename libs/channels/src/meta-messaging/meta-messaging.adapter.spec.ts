import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { OutboundMessage, SendRequest } from '../channel-provider.types';
import type { MetaMessagingCredentials, MetaMessagingPlatform } from '../platform.types';
import { MetaMessagingAdapter, type MetaMessagingAdapterOptions } from './meta-messaging.adapter';
import { META_MESSAGING_ERROR_CODES_DOCS_URL } from './meta-messaging-error.util';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for graph.facebook.com / graph.instagram.com (and Meta's CDN) on 127.0.0.1, port 0. */
class FakeGraph {
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly requests: Received[],
  ) {}

  static async start(answer: (req: Received, res: ServerResponse) => void): Promise<FakeGraph> {
    const requests: Received[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        requests.push(received);
        answer(received, res);
      });
    });
    const graph = new FakeGraph(server, requests);
    server.on('connection', () => {
      graph.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return graph;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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

const TOKEN = 'EAAJB-page-token';
const PAGE_ID = '106540352242922';
const IG_ID = '17841400000000000';
const PSID = '1254477777772919';
/** Meta's documented Send API answer (Quick Replies / Button Template pages, "Sample response"). */
const SENT = {
  recipient_id: '1254477777772919',
  message_id: 'AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
};

function text(body = 'Hello'): OutboundMessage {
  return { type: 'text', text: { body } };
}
function sendOf(message: OutboundMessage, extra: Partial<SendRequest> = {}): SendRequest {
  return { to: PSID, message, callbackData: 'herald-msg-1', ...extra };
}

describe(MetaMessagingAdapter.name, () => {
  let graph: FakeGraph | undefined;
  let adapter: MetaMessagingAdapter | undefined;

  async function setUp(
    answer: (req: Received, res: ServerResponse) => void,
    platform: MetaMessagingPlatform = 'messenger',
    options: MetaMessagingAdapterOptions = {},
  ) {
    graph = await FakeGraph.start(answer);
    adapter = new MetaMessagingAdapter({ requestTimeoutMs: 2_000, ...options });
    const credentials: MetaMessagingCredentials = {
      platform,
      graphBaseUrl: `${graph.origin}/v23.0`,
      senderId: platform === 'messenger' ? PAGE_ID : IG_ID,
      accessToken: TOKEN,
    };
    return { graph, adapter, credentials };
  }

  afterEach(async () => {
    await adapter?.close();
    await graph?.stop();
    graph = undefined;
    adapter = undefined;
  });

  describe('send', () => {
    it('posts what Meta expects and returns the message id, sent at once', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), 'messenger', { userAgent: 'herald-test' });
      const outcome = await adapter.send(credentials, sendOf(text()));

      expect(outcome).toEqual({ ok: true, providerMessageId: SENT.message_id, recipientId: SENT.recipient_id, sent: true });
      expect(graph.requests).toHaveLength(1);
      const [req] = graph.requests;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe(`/v23.0/${PAGE_ID}/messages`);
      expect(req!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(req!.headers['content-type']).toBe('application/json');
      expect(req!.headers['user-agent']).toBe('herald-test');
      // callbackData is Herald's: the Send API has no field for it.
      expect(JSON.parse(req!.body)).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hello' } });
      expect(req!.url).not.toContain(TOKEN);
    });

    const messengerKinds: Array<[string, OutboundMessage, unknown]> = [
      [
        'text with quick replies',
        { type: 'text', text: { body: 'Pick a color:' }, quickReplies: [{ title: 'Red', payload: 'RED' }, { title: 'Green', payload: 'GREEN' }] },
        {
          text: 'Pick a color:',
          quick_replies: [
            { content_type: 'text', title: 'Red', payload: 'RED' },
            { content_type: 'text', title: 'Green', payload: 'GREEN' },
          ],
        },
      ],
      [
        'image',
        { type: 'image', image: { link: 'https://example.com/a.jpg' } },
        { attachment: { type: 'image', payload: { url: 'https://example.com/a.jpg', is_reusable: false } } },
      ],
      [
        'video',
        { type: 'video', video: { link: 'https://example.com/a.mp4' } },
        { attachment: { type: 'video', payload: { url: 'https://example.com/a.mp4', is_reusable: false } } },
      ],
      [
        'audio',
        { type: 'audio', audio: { link: 'https://example.com/a.mp3' } },
        { attachment: { type: 'audio', payload: { url: 'https://example.com/a.mp3', is_reusable: false } } },
      ],
      [
        'document',
        { type: 'document', document: { link: 'https://example.com/a.pdf' } },
        { attachment: { type: 'file', payload: { url: 'https://example.com/a.pdf', is_reusable: false } } },
      ],
      [
        'buttons',
        {
          type: 'buttons',
          buttons: {
            text: 'What do you want to do next?',
            buttons: [
              { type: 'url', title: 'Visit Messenger', url: 'https://www.messenger.com' },
              { type: 'postback', title: 'Start Chatting', payload: 'START' },
            ],
          },
        },
        {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: 'What do you want to do next?',
              buttons: [
                { type: 'web_url', url: 'https://www.messenger.com', title: 'Visit Messenger' },
                { type: 'postback', title: 'Start Chatting', payload: 'START' },
              ],
            },
          },
        },
      ],
      [
        'cards',
        {
          type: 'cards',
          cards: {
            elements: [
              {
                title: 'Welcome!',
                subtitle: 'We have the right hat for everyone.',
                imageUrl: 'https://example.com/hat.png',
                defaultUrl: 'https://example.com/hats',
                buttons: [
                  { type: 'url', title: 'View Website', url: 'https://example.com' },
                  { type: 'postback', title: 'Start Chatting', payload: 'DEVELOPER_DEFINED_PAYLOAD' },
                ],
              },
              { title: 'Just a title' },
            ],
          },
        },
        {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'generic',
              elements: [
                {
                  title: 'Welcome!',
                  subtitle: 'We have the right hat for everyone.',
                  image_url: 'https://example.com/hat.png',
                  default_action: { type: 'web_url', url: 'https://example.com/hats' },
                  buttons: [
                    { type: 'web_url', url: 'https://example.com', title: 'View Website' },
                    { type: 'postback', title: 'Start Chatting', payload: 'DEVELOPER_DEFINED_PAYLOAD' },
                  ],
                },
                { title: 'Just a title' },
              ],
            },
          },
        },
      ],
    ];

    it.each(messengerKinds)('Messenger: sends %s as Meta documents it', async (_kind, message, wire) => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      expect((await adapter.send(credentials, sendOf(message))).ok).toBe(true);
      expect(JSON.parse(graph.requests[0]!.body)).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: wire });
    });

    const instagramKinds: Array<[string, OutboundMessage, unknown]> = [
      ['text', text('Hi from IG'), { text: 'Hi from IG' }],
      [
        'text with quick replies',
        { type: 'text', text: { body: 'Pick' }, quickReplies: [{ title: 'A', payload: 'PA' }] },
        { text: 'Pick', quick_replies: [{ content_type: 'text', title: 'A', payload: 'PA' }] },
      ],
      ['image', { type: 'image', image: { link: 'https://example.com/a.png' } }, { attachment: { type: 'image', payload: { url: 'https://example.com/a.png' } } }],
      [
        'cards',
        { type: 'cards', cards: { elements: [{ title: 'Card', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }] }] } },
        {
          attachment: {
            type: 'template',
            payload: { template_type: 'generic', elements: [{ title: 'Card', buttons: [{ type: 'postback', title: 'Go', payload: 'GO' }] }] },
          },
        },
      ],
    ];

    it.each(instagramKinds)('Instagram: sends %s to the Instagram account', async (_kind, message, wire) => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), 'instagram');
      expect(await adapter.send(credentials, sendOf(message))).toMatchObject({ ok: true, sent: true });
      expect(graph.requests[0]!.url).toBe(`/v23.0/${IG_ID}/messages`);
      expect(graph.requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(JSON.parse(graph.requests[0]!.body)).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: wire });
    });

    it('sends UPDATE, and MESSAGE_TAG with the message tag', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      await adapter.send(credentials, sendOf({ ...text(), tag: 'ACCOUNT_UPDATE' }, { messagingType: 'UPDATE' }));
      await adapter.send(credentials, sendOf({ ...text(), tag: 'ACCOUNT_UPDATE' }, { messagingType: 'MESSAGE_TAG' }));
      expect(graph.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
        { recipient: { id: PSID }, messaging_type: 'UPDATE', message: { text: 'Hello' } },
        { recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'Hello' } },
      ]);
    });

    it('refuses without calling Meta: MESSAGE_TAG without a tag, a bad recipient, a bad messaging type', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      expect(await adapter.send(credentials, sendOf(text(), { messagingType: 'MESSAGE_TAG' }))).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'missing_tag', category: 'invalid_request', retriable: false }),
      });
      expect(await adapter.send(credentials, sendOf(text(), { to: '12 34' }))).toMatchObject({ ok: false, error: { code: 'invalid_recipient' } });
      const odd = sendOf(text(), { messagingType: 'NON_PROMOTIONAL_SUBSCRIPTION' as SendRequest['messagingType'] });
      expect(await adapter.send(credentials, odd)).toMatchObject({ ok: false, error: { code: 'invalid_messaging_type' } });
      expect(graph.requests).toHaveLength(0);
    });

    it('refuses an invalid message with every issue named, without calling Meta', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), 'instagram');
      const outcome = await adapter.send(credentials, sendOf({ type: 'text', text: { body: 'x', previewUrl: true }, tag: 'ACCOUNT_UPDATE' }));
      expect(outcome).toEqual({
        ok: false,
        error: {
          code: 'invalid_message',
          title: 'Invalid request',
          details: 'tag: must be one of HUMAN_AGENT on Instagram; text.previewUrl: is WhatsApp only: Meta decides link previews on this platform',
          retriable: false,
          category: 'invalid_request',
        },
      });
      expect(graph.requests).toHaveLength(0);
    });

    it('does not validate a prevalidated message again, but never sends a kind the platform cannot carry', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      const long = 'x'.repeat(2_001);
      expect((await adapter.send(credentials, sendOf(text(long), { prevalidated: true }))).ok).toBe(true);
      expect(JSON.parse(graph.requests[0]!.body)).toMatchObject({ message: { text: long } });
      expect((await adapter.send(credentials, sendOf(text(long)))).ok).toBe(false);
      const sticker: OutboundMessage = { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } };
      expect(await adapter.send(credentials, sendOf(sticker, { prevalidated: true }))).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
      expect(graph.requests).toHaveLength(1);
    });

    it('keeps the connection alive between sends', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT), 'messenger', { connections: 1 });
      for (let i = 0; i < 5; i += 1) expect((await adapter.send(credentials, sendOf(text()))).ok).toBe(true);
      expect(graph.requests).toHaveLength(5);
      expect(graph.connections).toBe(1);
    });

    it('does not take an answer without message_id for a send', async () => {
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { recipient_id: PSID }));
      expect(await adapter.send(credentials, sendOf(text()))).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'unexpected_response', retriable: false, category: 'unknown' }),
      });
    });

    it('maps Graph errors by code and subcode', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, {
          error: {
            message: '(#10) This message is sent outside of allowed window.',
            type: 'OAuthException',
            code: 10,
            error_subcode: 2018278,
            fbtrace_id: 'Ay1xyz',
          },
        }),
      );
      expect(await adapter.send(credentials, sendOf(text()))).toEqual({
        ok: false,
        error: {
          code: '10/2018278',
          title: 'Outside the allowed messaging window',
          details: '(#10) This message is sent outside of allowed window.',
          retriable: false,
          category: 'outside_service_window',
          docsUrl: META_MESSAGING_ERROR_CODES_DOCS_URL,
          httpStatus: 400,
          traceId: 'Ay1xyz',
        },
      });
    });

    it('reports an unreachable person, a rate limit with its wait, and a server failure', async () => {
      let answer: (res: ServerResponse) => void = () => undefined;
      const { adapter, credentials } = await setUp((_req, res) => answer(res));

      answer = (res) => json(res, 400, { error: { message: "(#551) This person isn't available right now.", code: 551, error_subcode: 1545041 } });
      expect(await adapter.send(credentials, sendOf(text()))).toMatchObject({
        ok: false,
        error: { code: '551/1545041', category: 'recipient_unreachable', retriable: false },
      });

      const usage = JSON.stringify({ [PAGE_ID]: [{ type: 'messenger', call_count: 100, estimated_time_to_regain_access: 3 }] });
      answer = (res) => json(res, 400, { error: { message: 'Too many calls', code: 80006 } }, { 'x-business-use-case-usage': usage });
      expect(await adapter.send(credentials, sendOf(text()))).toMatchObject({
        ok: false,
        error: { code: '80006', category: 'throttled', retriable: true, retryAfterMs: 180_000 },
      });

      answer = (res) => json(res, 400, { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } }, { 'retry-after': '2' });
      expect(await adapter.send(credentials, sendOf(text()))).toMatchObject({ ok: false, error: { code: '613', retryAfterMs: 2_000 } });

      answer = (res) => {
        res.writeHead(503);
        res.end('upstream down');
      };
      expect(await adapter.send(credentials, sendOf(text()))).toMatchObject({
        ok: false,
        error: { code: 'http_503', category: 'transient', retriable: true, httpStatus: 503 },
      });
    });

    it('reports a timeout as such, so the pipeline holds the send in doubt', async () => {
      const { adapter, credentials } = await setUp(() => undefined, 'messenger', { requestTimeoutMs: 200 });
      const started = Date.now();
      const outcome = await adapter.send(credentials, sendOf(text()));
      expect(outcome).toMatchObject({ ok: false, error: { code: 'timeout', category: 'transient', retriable: true } });
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('reports a refused connection as a network error', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      await graph.stop();
      const outcome = await adapter.send(credentials, sendOf(text()));
      expect(outcome).toMatchObject({ ok: false, error: { code: 'network_error', category: 'transient', retriable: true } });
      if (!outcome.ok) expect(outcome.error.details).toMatch(/^ECONNREFUSED/);
    });

    it('refuses a Graph root that is not an http(s) URL', async () => {
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, SENT));
      expect(await adapter.send({ ...credentials, graphBaseUrl: 'ftp://graph.facebook.com' }, sendOf(text()))).toMatchObject({
        ok: false,
        error: { code: 'invalid_graph_base_url' },
      });
      expect(await adapter.send({ ...credentials, graphBaseUrl: 'graph' }, sendOf(text()))).toMatchObject({
        ok: false,
        error: { code: 'invalid_graph_base_url' },
      });
    });
  });

  describe('verifyCredentials', () => {
    it('asks who the Page is', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, { id: PAGE_ID, name: 'Herald Shoes' }));
      expect(await adapter.verifyCredentials(credentials)).toEqual({ ok: true, senderId: PAGE_ID, name: 'Herald Shoes' });
      expect(graph.requests[0]!.method).toBe('GET');
      expect(graph.requests[0]!.url).toBe(`/v23.0/${PAGE_ID}?fields=id%2Cname`);
      expect(graph.requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    });

    it('asks who the Instagram account is, with its username', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, { id: IG_ID, username: 'herald.shoes' }), 'instagram');
      expect(await adapter.verifyCredentials(credentials)).toEqual({ ok: true, senderId: IG_ID, name: null, username: 'herald.shoes' });
      expect(graph.requests[0]!.url).toBe(`/v23.0/${IG_ID}?fields=id%2Cusername%2Cname`);
    });

    it('maps an expired token, and refuses an answer without id', async () => {
      let body: unknown = { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } };
      const { adapter, credentials } = await setUp((_req, res) => json(res, body === undefined ? 200 : 400, body ?? { name: 'x' }));
      expect(await adapter.verifyCredentials(credentials)).toMatchObject({ ok: false, error: { code: '190/463', category: 'auth_expired' } });
      body = undefined;
      expect(await adapter.verifyCredentials(credentials)).toMatchObject({ ok: false, error: { code: 'unexpected_response' } });
    });
  });

  describe('downloadMedia', () => {
    async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }

    it('streams the attachment without sending the token', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': '5' });
        res.end('JPEG!');
      });
      const outcome = await adapter.downloadMedia(credentials, `${graph.origin}/ig_messaging_cdn/?asset_id=1&signature=abc`);
      expect(outcome).toMatchObject({ ok: true, mimeType: 'image/jpeg', fileSize: 5, contentLength: 5, sha256: null });
      if (outcome.ok) expect((await read(outcome.body)).toString()).toBe('JPEG!');
      expect(graph.requests[0]!.url).toBe('/ig_messaging_cdn/?asset_id=1&signature=abc');
      expect(graph.requests[0]!.headers['authorization']).toBeUndefined();
    });

    it('follows a redirect', async () => {
      const { graph, adapter, credentials } = await setUp((req, res) => {
        if (req.url === '/first') {
          res.writeHead(302, { location: '/second' });
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'video/mp4' });
          res.end('MP4');
        }
      });
      const outcome = await adapter.downloadMedia(credentials, `${graph.origin}/first`);
      expect(outcome).toMatchObject({ ok: true, mimeType: 'video/mp4' });
      if (outcome.ok) expect((await read(outcome.body)).toString()).toBe('MP4');
      expect(graph.requests.map((r) => r.url)).toEqual(['/first', '/second']);
    });

    it('refuses endless redirects and redirects off http(s)', async () => {
      const { graph, adapter, credentials } = await setUp((req, res) => {
        res.writeHead(302, { location: req.url === '/ftp' ? 'ftp://example.com/f' : '/loop' });
        res.end();
      });
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/loop`)).toMatchObject({ ok: false, gone: false, error: { code: 'media_redirects' } });
      expect(graph.requests).toHaveLength(4);
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/ftp`)).toMatchObject({ ok: false, error: { code: 'media_redirects' } });
    });

    it('reports an expired URL as gone', async () => {
      let status = 404;
      const { graph, adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(status);
        res.end('URL signature expired');
      });
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/f`)).toMatchObject({ ok: false, gone: true, error: { code: 'media_gone', httpStatus: 404 } });
      status = 403;
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/f`)).toMatchObject({ ok: false, gone: true, error: { retriable: false } });
      status = 500;
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/f`)).toMatchObject({
        ok: false,
        gone: false,
        error: { code: 'media_download_failed', retriable: true, category: 'transient' },
      });
    });

    it('refuses a file announced larger than the bound, and cuts off one that grows past it', async () => {
      let announce = true;
      const { graph, adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(200, announce ? { 'content-type': 'application/pdf', 'content-length': '11' } : { 'content-type': 'application/pdf' });
        res.end('01234567890');
      });
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/f`, { maxBytes: 10 })).toMatchObject({
        ok: false,
        gone: false,
        error: { code: 'media_too_large' },
      });
      announce = false;
      const outcome = await adapter.downloadMedia(credentials, `${graph.origin}/f`, { maxBytes: 10 });
      expect(outcome).toMatchObject({ ok: true, contentLength: null });
      if (outcome.ok) await expect(read(outcome.body)).rejects.toThrow('larger than 10 bytes');
    });

    it('takes only http(s) URLs', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => res.end());
      expect(await adapter.downloadMedia(credentials, 'file:///etc/passwd')).toMatchObject({ ok: false, gone: true, error: { code: 'invalid_media_url' } });
      expect(await adapter.downloadMedia(credentials, '1234567890')).toMatchObject({ ok: false, error: { code: 'invalid_media_url' } });
      expect(graph.requests).toHaveLength(0);
    });

    it('reports a stalled download as a timeout', async () => {
      const { graph, adapter, credentials } = await setUp(() => undefined);
      expect(await adapter.downloadMedia(credentials, `${graph.origin}/slow`, { timeoutMs: 200 })).toMatchObject({
        ok: false,
        gone: false,
        error: { code: 'timeout', retriable: true },
      });
    });
  });
});
