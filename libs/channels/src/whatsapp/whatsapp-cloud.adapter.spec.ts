import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { GRAPH_API_VERSION } from './whatsapp.constants';
import { WhatsAppCloudAdapter } from './whatsapp-cloud.adapter';
import type { WhatsAppCloudAdapterOptions, WhatsAppCredentials } from './whatsapp.types';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for graph.facebook.com on 127.0.0.1, port 0. */
class FakeGraph {
  readonly requests: Received[] = [];
  connections = 0;
  private constructor(private readonly server: Server) {}

  static async start(answer: (req: Received, res: ServerResponse) => void): Promise<FakeGraph> {
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
    const graph = new FakeGraph(server);
    (graph as { requests: Received[] }).requests = requests;
    server.on('connection', () => {
      graph.connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return graph;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${GRAPH_API_VERSION}`;
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

const TOKEN = 'EAAJB-test-token';
const SUCCESS = {
  messaging_product: 'whatsapp',
  contacts: [{ input: '+16505551234', wa_id: '16505551234' }],
  messages: [{ id: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA' }],
};
const TEXT = { to: '+16505551234', message: { type: 'text', text: { body: 'Hello' } }, callbackData: 'msg_1' } as const;

describe(WhatsAppCloudAdapter.name, () => {
  let graph: FakeGraph | undefined;
  let adapter: WhatsAppCloudAdapter | undefined;

  async function setUp(answer: (req: Received, res: ServerResponse) => void, options: WhatsAppCloudAdapterOptions = {}) {
    graph = await FakeGraph.start(answer);
    adapter = new WhatsAppCloudAdapter({ requestTimeoutMs: 2_000, connections: 4, ...options });
    const credentials: WhatsAppCredentials = {
      graphBaseUrl: graph.baseUrl,
      phoneNumberId: '106540352242922',
      wabaId: '102290129340398',
      accessToken: TOKEN,
    };
    return { graph, adapter, credentials };
  }

  afterEach(async () => {
    await graph?.stop();
    await adapter?.close();
    graph = undefined;
    adapter = undefined;
  });

  describe('send', () => {
    it('posts what Meta expects and returns the wamid', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      const outcome = await adapter.send(credentials, TEXT);

      expect(outcome).toEqual({
        ok: true,
        providerMessageId: 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA',
        recipientId: '16505551234',
      });
      expect(graph.requests).toHaveLength(1);
      const [req] = graph.requests;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe(`/${GRAPH_API_VERSION}/106540352242922/messages`);
      expect(req!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(req!.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req!.body)).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '+16505551234',
        type: 'text',
        text: { body: 'Hello' },
        biz_opaque_callback_data: 'msg_1',
      });
      expect(req!.url).not.toContain(TOKEN);
    });

    it('keeps the connection alive between sends', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS), { connections: 1 });
      for (let i = 0; i < 5; i += 1) expect((await adapter.send(credentials, TEXT)).ok).toBe(true);
      expect(graph.requests).toHaveLength(5);
      expect(graph.connections).toBe(1);
    });

    it('maps a Graph error answer by its code', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, {
          error: {
            message: '(#131026) Message undeliverable',
            type: 'OAuthException',
            code: 131026,
            error_data: { messaging_product: 'whatsapp', details: 'Message Undeliverable.' },
            fbtrace_id: 'AbC',
          },
        }),
      );
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: '131026',
          category: 'not_on_whatsapp',
          retriable: false,
          httpStatus: 400,
          details: 'Message Undeliverable.',
          traceId: 'AbC',
        }),
      });
    });

    it('passes Retry-After on throttling', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(
          res,
          429,
          { error: { message: '(#130429) Rate limit hit', code: 130429, error_data: { details: 'Too many messages' } } },
          { 'retry-after': '3' },
        ),
      );
      const outcome = await adapter.send(credentials, TEXT);
      expect(outcome).toEqual({
        ok: false,
        error: expect.objectContaining({ category: 'throttled', retriable: true, retryAfterMs: 3_000 }),
      });
    });

    it('treats HTTP 500 as transient', async () => {
      const { adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<html>oops</html>');
      });
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'http_500', category: 'transient', retriable: true, httpStatus: 500 }),
      });
    });

    it('times out a server that never answers, as a transient error', async () => {
      const { adapter, credentials } = await setUp(() => undefined, { requestTimeoutMs: 200 });
      const started = Date.now();
      const outcome = await adapter.send(credentials, TEXT);
      expect(outcome).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'timeout', category: 'transient', retriable: true }),
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('reports a refused connection as a transient network error', async () => {
      const { graph, adapter, credentials } = await setUp(() => undefined);
      await graph.stop();
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'network_error', category: 'transient', retriable: true }),
      });
    });

    it('refuses a number without + and an invalid message without calling Meta', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      expect(await adapter.send(credentials, { ...TEXT, to: '16505551234' })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'invalid_recipient', category: 'invalid_request', retriable: false }),
      });
      const tooLong = { ...TEXT, message: { type: 'text', text: { body: 'x'.repeat(4097) } } } as const;
      expect(await adapter.send(credentials, tooLong)).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: 'invalid_message',
          details: 'text.body: must be at most 4096 characters (is 4097)',
        }),
      });
      expect(await adapter.send(credentials, { ...TEXT, callbackData: 'x'.repeat(513) })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'invalid_callback_data' }),
      });
      expect(graph.requests).toHaveLength(0);
    });

    it('does not resend blindly when a 200 answer has no message id', async () => {
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { messaging_product: 'whatsapp' }));
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'unexpected_response', retriable: false }),
      });
    });
  });

  describe('templates', () => {
    it('creates a template on the WABA and returns its id and PENDING status', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { id: '594425479261596', status: 'PENDING', category: 'MARKETING' }),
      );
      const outcome = await adapter.createTemplate(credentials, {
        name: 'spring_sale',
        language: 'en_US',
        category: 'MARKETING',
        body: { text: 'Hi {{1}}, 20% off everything this week.', examples: ['Pablo'] },
        buttons: [{ type: 'quick_reply', text: 'Stop promotions' }],
      });
      expect(outcome).toEqual({
        ok: true,
        template: {
          id: '594425479261596',
          name: 'spring_sale',
          language: 'en_US',
          category: 'MARKETING',
          status: 'PENDING',
          providerStatus: 'PENDING',
        },
      });
      const [req] = graph.requests;
      expect(req!.method).toBe('POST');
      expect(req!.url).toBe(`/${GRAPH_API_VERSION}/102290129340398/message_templates`);
      expect(req!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(JSON.parse(req!.body)).toEqual({
        name: 'spring_sale',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'BODY', text: 'Hi {{1}}, 20% off everything this week.', example: { body_text: [['Pablo']] } },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
        ],
      });
    });

    it('maps a refused template creation', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, {
          error: {
            message: 'Invalid parameter',
            type: 'OAuthException',
            code: 100,
            error_data: { details: 'Name already exists' },
          },
        }),
      );
      const outcome = await adapter.createTemplate(credentials, {
        name: 'x',
        language: 'en',
        category: 'UTILITY',
        body: { text: 'x' },
      });
      expect(outcome).toEqual({
        ok: false,
        error: expect.objectContaining({ code: '100', details: 'Name already exists', retriable: false }),
      });
    });

    it('reads a template by id with its rejected reason', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, {
          id: '594425479261596',
          name: 'spring_sale',
          language: 'en_US',
          status: 'REJECTED',
          category: 'MARKETING',
          rejected_reason: 'PROMOTIONAL',
        }),
      );
      const outcome = await adapter.getTemplate(credentials, { id: '594425479261596' });
      expect(outcome).toEqual({
        ok: true,
        template: {
          id: '594425479261596',
          name: 'spring_sale',
          language: 'en_US',
          category: 'MARKETING',
          status: 'REJECTED',
          providerStatus: 'REJECTED',
          rejectedReason: 'PROMOTIONAL',
        },
      });
      const url = new URL(graph.requests[0]!.url, 'http://x');
      expect(graph.requests[0]!.method).toBe('GET');
      expect(url.pathname).toBe(`/${GRAPH_API_VERSION}/594425479261596`);
      expect(url.searchParams.get('fields')).toBe('id,name,language,status,category,rejected_reason');
    });

    it('finds a template by exact name and language across listing pages', async () => {
      const { graph, adapter, credentials } = await setUp((req, res) => {
        const after = new URL(req.url, 'http://x').searchParams.get('after');
        if (after === null) {
          json(res, 200, {
            data: [
              {
                id: '1',
                name: 'spring_sale_old',
                language: 'en_US',
                status: 'APPROVED',
                category: 'MARKETING',
                rejected_reason: 'NONE',
              },
              {
                id: '2',
                name: 'spring_sale',
                language: 'pt_BR',
                status: 'APPROVED',
                category: 'MARKETING',
                rejected_reason: 'NONE',
              },
            ],
            paging: { cursors: { before: 'b1', after: 'a1' }, next: 'https://graph.facebook.com/next' },
          });
        } else {
          json(res, 200, {
            data: [
              {
                id: '3',
                name: 'spring_sale',
                language: 'en_US',
                status: 'PAUSED',
                category: 'MARKETING',
                rejected_reason: 'NONE',
              },
            ],
            paging: { cursors: { before: 'b2', after: 'a2' } },
          });
        }
      });
      const outcome = await adapter.getTemplate(credentials, { name: 'spring_sale', language: 'en_US' });
      expect(outcome).toEqual({
        ok: true,
        template: {
          id: '3',
          name: 'spring_sale',
          language: 'en_US',
          category: 'MARKETING',
          status: 'PAUSED',
          providerStatus: 'PAUSED',
        },
      });
      expect(graph.requests).toHaveLength(2);
      const first = new URL(graph.requests[0]!.url, 'http://x');
      expect(first.pathname).toBe(`/${GRAPH_API_VERSION}/102290129340398/message_templates`);
      expect(first.searchParams.get('name')).toBe('spring_sale');
      expect(new URL(graph.requests[1]!.url, 'http://x').searchParams.get('after')).toBe('a1');
    });

    it('says when no template has that name', async () => {
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { data: [], paging: { cursors: {} } }));
      expect(await adapter.getTemplate(credentials, { name: 'nope' })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'template_not_found', category: 'template_problem', retriable: false }),
      });
    });
  });
});
