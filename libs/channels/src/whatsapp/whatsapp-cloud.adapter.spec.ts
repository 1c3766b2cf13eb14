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
  /** Connections accepted so far. */
  connections = 0;
  /** Connections open now. */
  open = 0;
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
    server.on('connection', (socket) => {
      graph.connections += 1;
      graph.open += 1;
      socket.on('close', () => {
        graph.open -= 1;
      });
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
    adapter = new WhatsAppCloudAdapter({ requestTimeoutMs: 2_000, ...options });
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

    it('reuses connections between sends without a bound too', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      for (let i = 0; i < 20; i += 1) expect((await adapter.send(credentials, TEXT)).ok).toBe(true);
      // undici takes a connection back one event-loop turn after its answer, so a send that follows at once
      // may open a second one; never more.
      expect(graph.connections).toBeLessThanOrEqual(2);
    });

    it('flags a send Meta holds for a quality assessment, and only that', async () => {
      let status: string | undefined = 'held_for_quality_assessment';
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, {
          ...SUCCESS,
          messages: [{ id: 'wamid.1', ...(status === undefined ? {} : { message_status: status }) }],
        }),
      );
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: true,
        providerMessageId: 'wamid.1',
        recipientId: '16505551234',
        held: true,
      });
      status = 'accepted';
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: true,
        providerMessageId: 'wamid.1',
        recipientId: '16505551234',
      });
      status = undefined;
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: true,
        providerMessageId: 'wamid.1',
        recipientId: '16505551234',
      });
    });

    it('posts the same body to marketing_messages on that route', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      const offer = {
        to: '+16505551234',
        message: { type: 'template', template: { name: 'autumn_sale', language: 'en_US', params: ['Ana'] } },
        callbackData: 'r:1',
      } as const;
      expect((await adapter.send(credentials, { ...offer, route: 'marketing_messages' })).ok).toBe(true);
      expect((await adapter.send(credentials, offer)).ok).toBe(true);
      expect(graph.requests.map((r) => r.url)).toEqual([
        `/${GRAPH_API_VERSION}/106540352242922/marketing_messages`,
        `/${GRAPH_API_VERSION}/106540352242922/messages`,
      ]);
      expect(JSON.parse(graph.requests[0]!.body)).toEqual(JSON.parse(graph.requests[1]!.body));
    });

    it('refuses a non-template message on the marketing route without calling Meta', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      expect(await adapter.send(credentials, { ...TEXT, route: 'marketing_messages' })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'invalid_route', category: 'invalid_request', retriable: false }),
      });
      expect(graph.requests).toHaveLength(0);
    });

    it('does not validate a prevalidated message again', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, SUCCESS));
      // Would fail validation (too long); prevalidated says Herald checked it already, so it goes as built.
      const built = { ...TEXT, message: { type: 'text', text: { body: 'x'.repeat(4097) } }, prevalidated: true } as const;
      expect((await adapter.send(credentials, built)).ok).toBe(true);
      expect(JSON.parse(graph.requests[0]!.body)).toMatchObject({ type: 'text', text: { body: 'x'.repeat(4097) } });
      // The recipient and the callback data are still checked.
      expect(await adapter.send(credentials, { ...built, to: '16505551234' })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'invalid_recipient' }),
      });
      expect(graph.requests).toHaveLength(1);
    });

    it('maps the marketing experiment (130472) as final', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, { error: { message: "(#130472) User's number is part of an experiment", code: 130472 } }),
      );
      expect(await adapter.send(credentials, TEXT)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: '130472', category: 'marketing_experiment', retriable: false }),
      });
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

  describe('in-flight capacity', () => {
    const LATENCY_MS = 200;
    let latencyMs = LATENCY_MS;
    let inFlight = 0;
    let peak = 0;
    /** Answers after `latencyMs` and records how many requests it held at once. */
    const slow = (_req: Received, res: ServerResponse): void => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        json(res, 200, SUCCESS);
      }, latencyMs);
    };
    afterEach(() => {
      latencyMs = LATENCY_MS;
      inFlight = 0;
      peak = 0;
    });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

    it('is not capped: 300 concurrent sends against a 200 ms server finish in about one round trip', async () => {
      const { graph, adapter, credentials } = await setUp(slow);
      const burst = async (): Promise<number> => {
        peak = 0;
        const started = Date.now();
        const outcomes = await Promise.all(Array.from({ length: 300 }, () => adapter.send(credentials, TEXT)));
        expect(outcomes.every((o) => o.ok)).toBe(true);
        await nextTurn(); // undici takes a connection back one event-loop turn after its answer
        return Date.now() - started;
      };

      // Cold: the pool opens a connection for every send that finds all open ones busy.
      await burst();
      expect(peak).toBe(300); // all 300 were at the server at once: none waited for a connection
      expect(graph.connections).toBe(300);

      // Warm, as a number sending steadily at rate × latency is: all 300 at the server at once again, on the
      // same connections — one round trip, not the two or more a cap below 300 would make them wait for. (How long
      // that takes is the provider-latency benchmark's to measure: a time bound here failed on a loaded machine.)
      const elapsed = await burst();
      expect(peak).toBe(300);
      expect(graph.connections).toBe(300);
      expect(elapsed).toBeGreaterThanOrEqual(LATENCY_MS);
    });

    it('honours PROVIDER_CONNECTIONS as an upper bound', async () => {
      const { graph, adapter, credentials } = await setUp(slow, { connections: 2 });
      const started = Date.now();
      const outcomes = await Promise.all(Array.from({ length: 4 }, () => adapter.send(credentials, TEXT)));
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2 * LATENCY_MS - 10);
      expect(peak).toBe(2);
      expect(graph.connections).toBe(2);
    });

    it('closes the connections of a burst once they are idle', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => setTimeout(() => json(res, 200, SUCCESS), 50), {
        keepAliveTimeoutMs: 100,
      });
      await Promise.all(Array.from({ length: 20 }, () => adapter.send(credentials, TEXT)));
      expect(graph.connections).toBe(20);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(graph.open).toBe(0);
      // And the pool opens again on demand.
      expect((await adapter.send(credentials, TEXT)).ok).toBe(true);
    });
  });

  describe('account reads', () => {
    it('reads the portfolio messaging limit', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { whatsapp_business_manager_messaging_limit: 'TIER_2K', id: '106540352242922' }),
      );
      expect(await adapter.getMessagingLimit(credentials)).toEqual({ ok: true, limit: 2_000, raw: 'TIER_2K' });
      const url = new URL(graph.requests[0]!.url, 'http://x');
      expect(graph.requests[0]!.method).toBe('GET');
      expect(url.pathname).toBe(`/${GRAPH_API_VERSION}/106540352242922`);
      expect(url.searchParams.get('fields')).toBe('whatsapp_business_manager_messaging_limit');
      expect(graph.requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
      expect(graph.requests).toHaveLength(1);
    });

    it('reads an unlimited messaging limit as null', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { whatsapp_business_manager_messaging_limit: 'TIER_UNLIMITED', id: '1' }),
      );
      expect(await adapter.getMessagingLimit(credentials)).toEqual({ ok: true, limit: null, raw: 'TIER_UNLIMITED' });
    });

    it('falls back to messaging_limit_tier when the new field is absent', async () => {
      const { graph, adapter, credentials } = await setUp((req, res) => {
        const fields = new URL(req.url, 'http://x').searchParams.get('fields');
        json(res, 200, fields === 'messaging_limit_tier' ? { messaging_limit_tier: 'TIER_1K', id: '1' } : { id: '1' });
      });
      expect(await adapter.getMessagingLimit(credentials)).toEqual({ ok: true, limit: 1_000, raw: 'TIER_1K' });
      expect(graph.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('fields'))).toEqual([
        'whatsapp_business_manager_messaging_limit',
        'messaging_limit_tier',
      ]);
    });

    it('falls back to messaging_limit_tier when an older Graph version refuses the new field', async () => {
      const { adapter, credentials } = await setUp((req, res) => {
        const fields = new URL(req.url, 'http://x').searchParams.get('fields');
        if (fields === 'messaging_limit_tier') json(res, 200, { messaging_limit_tier: 'TIER_250', id: '1' });
        else
          json(res, 400, {
            error: {
              message: '(#100) Tried accessing nonexisting field (whatsapp_business_manager_messaging_limit)',
              type: 'OAuthException',
              code: 100,
            },
          });
      });
      expect(await adapter.getMessagingLimit(credentials)).toEqual({ ok: true, limit: 250, raw: 'TIER_250' });
    });

    it('returns other failures of the messaging-limit read as they are, without a fallback', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 401, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } }),
      );
      expect(await adapter.getMessagingLimit(credentials)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: '190', category: 'auth_expired' }),
      });
      expect(graph.requests).toHaveLength(1);
    });

    it('does not take an unknown messaging limit for a known one', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { whatsapp_business_manager_messaging_limit: 'TIER_SOMETHING_NEW', id: '1' }),
      );
      expect(await adapter.getMessagingLimit(credentials)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'unexpected_response', retriable: false }),
      });
    });

    it('reads whether the WABA is onboarded to the Marketing Messages API', async () => {
      let status: string | undefined = 'ONBOARDED';
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, {
          id: '102290129340398',
          ...(status === undefined ? {} : { marketing_messages_onboarding_status: status }),
        }),
      );
      expect(await adapter.getMarketingMessagesOnboarding(credentials)).toEqual({
        ok: true,
        onboarded: true,
        status: 'ONBOARDED',
      });
      const url = new URL(graph.requests[0]!.url, 'http://x');
      expect(url.pathname).toBe(`/${GRAPH_API_VERSION}/102290129340398`);
      expect(url.searchParams.get('fields')).toBe('marketing_messages_onboarding_status');

      status = 'ELIGIBLE';
      expect(await adapter.getMarketingMessagesOnboarding(credentials)).toEqual({
        ok: true,
        onboarded: false,
        status: 'ELIGIBLE',
      });
      status = 'PENDING_VALID_PAYMENT_METHOD';
      expect(await adapter.getMarketingMessagesOnboarding(credentials)).toEqual({
        ok: true,
        onboarded: false,
        status: 'PENDING_VALID_PAYMENT_METHOD',
      });
      status = undefined;
      expect(await adapter.getMarketingMessagesOnboarding(credentials)).toEqual({ ok: true, onboarded: false, status: null });
    });

    it('returns a failed onboarding read as the mapped error', async () => {
      const { adapter, credentials } = await setUp((_req, res) => {
        res.writeHead(503);
        res.end();
      });
      expect(await adapter.getMarketingMessagesOnboarding(credentials)).toEqual({
        ok: false,
        error: expect.objectContaining({ category: 'transient', retriable: true }),
      });
    });
  });

  describe('business portfolio', () => {
    it('reads the business that owns the WABA from owner_business_info', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { owner_business_info: { id: '805021500648488', name: 'Lucky Shrub' }, id: '102290129340398' }),
      );
      expect(await adapter.getBusinessPortfolio(credentials)).toEqual({
        ok: true,
        business: { id: '805021500648488', name: 'Lucky Shrub' },
      });
      const url = new URL(graph.requests[0]!.url, 'http://x');
      expect(url.pathname).toBe(`/${GRAPH_API_VERSION}/102290129340398`);
      expect(url.searchParams.get('fields')).toBe('owner_business_info');
      expect(graph.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('names no business when the answer has no owner_business_info, and no name when it gives none', async () => {
      let body: unknown = { id: '102290129340398' };
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, body));
      expect(await adapter.getBusinessPortfolio(credentials)).toEqual({ ok: true, business: null });
      body = { owner_business_info: { id: 805021500648488 }, id: '102290129340398' };
      expect(await adapter.getBusinessPortfolio(credentials)).toEqual({
        ok: true,
        business: { id: '805021500648488', name: null },
      });
    });

    it('does not take an owner without a usable id for a business', async () => {
      let owner: unknown = { name: 'No id' };
      const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { owner_business_info: owner, id: '1' }));
      expect(await adapter.getBusinessPortfolio(credentials)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'unexpected_response', retriable: false }),
      });
      owner = { id: 'x'.repeat(65) };
      expect(await adapter.getBusinessPortfolio(credentials)).toMatchObject({
        ok: false,
        error: { code: 'unexpected_response' },
      });
    });

    it('returns a failed read as the mapped error', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, {
          error: { message: '(#200) Requires business_management permission', type: 'OAuthException', code: 200 },
        }),
      );
      expect(await adapter.getBusinessPortfolio(credentials)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: '200', retriable: false }),
      });
    });
  });

  describe('template category', () => {
    const LISTING = {
      data: [
        { id: '1', name: 'spring_sale', language: 'pt_BR', status: 'APPROVED', category: 'UTILITY' },
        { id: '2', name: 'spring_sale', language: 'en_US', status: 'PAUSED', category: 'MARKETING' },
      ],
      paging: { cursors: { before: 'b', after: 'a' } },
    };

    it('reads the category and status of the template with that exact name and language', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, LISTING));
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US')).toEqual({
        ok: true,
        templateId: '2',
        category: 'MARKETING',
        status: 'PAUSED',
      });
      const url = new URL(graph.requests[0]!.url, 'http://x');
      expect(url.pathname).toBe(`/${GRAPH_API_VERSION}/102290129340398/message_templates`);
      expect(url.searchParams.get('name')).toBe('spring_sale');
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'pt_BR')).toMatchObject({
        ok: true,
        category: 'UTILITY',
      });
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'es')).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'template_not_found' }),
      });
    });

    it('reuses an answer, and shares one lookup between concurrent calls', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => setTimeout(() => json(res, 200, LISTING), 20));
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US')),
      );
      expect(outcomes.every((o) => o.ok && o.category === 'MARKETING')).toBe(true);
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US')).toMatchObject({ ok: true });
      expect(graph.requests).toHaveLength(1);
      // Another channel's token does not get this answer.
      await adapter.getTemplateCategory({ ...credentials, accessToken: 'another' }, 'spring_sale', 'en_US');
      expect(graph.requests).toHaveLength(2);
    });

    it('asks again once the answer is older than its time to live', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, LISTING), { templateCacheTtlMs: 50 });
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US');
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US');
      expect(graph.requests).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 80));
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US');
      expect(graph.requests).toHaveLength(2);
    });

    it('keeps at most templateCacheSize templates', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, LISTING), { templateCacheSize: 1 });
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US');
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'pt_BR');
      await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US');
      expect(graph.requests).toHaveLength(3);
    });

    it('does not keep failures', async () => {
      let fail = true;
      const { graph, adapter, credentials } = await setUp((_req, res) => {
        if (fail) json(res, 500, { error: { message: 'Something went wrong', code: 131000 } });
        else json(res, 200, LISTING);
      });
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US')).toMatchObject({ ok: false });
      fail = false;
      expect(await adapter.getTemplateCategory(credentials, 'spring_sale', 'en_US')).toMatchObject({ ok: true });
      expect(graph.requests).toHaveLength(2);
    });

    it('says when a template has a category Herald does not know', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 200, { data: [{ id: '9', name: 'x', language: 'en', status: 'APPROVED', category: 'SOMETHING' }] }),
      );
      expect(await adapter.getTemplateCategory(credentials, 'x', 'en')).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'unexpected_response' }),
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

  describe('downloadMedia', () => {
    const BYTES = Buffer.from('\x89PNG simulated image bytes');
    const read = async (body: NodeJS.ReadableStream): Promise<Buffer> => {
      const chunks: Buffer[] = [];
      for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
      return Buffer.concat(chunks);
    };

    it('looks the media id up, then streams the short-lived URL with the same token', async () => {
      let base = '';
      const { graph, adapter, credentials } = await setUp((req, res) => {
        if (req.url.startsWith('/file')) {
          res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(BYTES.length) });
          res.end(BYTES);
          return;
        }
        json(res, 200, { messaging_product: 'whatsapp', url: `${base}/file?mid=42&ext=1&hash=x`, mime_type: 'image/jpeg', sha256: 'c2hh', file_size: '26', id: '4242' });
      });
      base = graph.baseUrl.replace(/\/v[0-9.]+$/, '');
      const outcome = await adapter.downloadMedia(credentials, '4242');
      if (!outcome.ok) throw new Error(JSON.stringify(outcome));
      expect({ mimeType: outcome.mimeType, fileSize: outcome.fileSize, sha256: outcome.sha256 }).toEqual({ mimeType: 'image/jpeg', fileSize: 26, sha256: 'c2hh' });
      expect(await read(outcome.body)).toEqual(BYTES);
      const lookup = new URL(graph.requests[0]!.url, 'http://x');
      expect(lookup.pathname).toBe(`/${GRAPH_API_VERSION}/4242`);
      expect(lookup.searchParams.get('phone_number_id')).toBe('106540352242922');
      expect(graph.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    });

    it('reports an unknown or expired media id as gone, with the provider error', async () => {
      const { adapter, credentials } = await setUp((_req, res) =>
        json(res, 400, { error: { message: "Unsupported get request. Object with ID '77' does not exist", type: 'GraphMethodException', code: 100, error_subcode: 33 } }),
      );
      const outcome = await adapter.downloadMedia(credentials, '77');
      expect(outcome).toEqual({ ok: false, gone: true, error: expect.objectContaining({ code: '100', details: expect.stringContaining('does not exist') }) });
    });

    it('reports a download URL answered 404 (expired) as gone, and a 5xx as a retriable failure', async () => {
      let status = 404;
      let base = '';
      const { graph, adapter, credentials } = await setUp((req, res) => {
        if (req.url.startsWith('/file')) {
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end('URL signature expired');
          return;
        }
        json(res, 200, { messaging_product: 'whatsapp', url: `${base}/file`, mime_type: 'image/png', id: '9' });
      });
      base = graph.baseUrl.replace(/\/v[0-9.]+$/, '');
      expect(await adapter.downloadMedia(credentials, '9')).toEqual({
        ok: false,
        gone: true,
        error: expect.objectContaining({ code: 'media_gone', httpStatus: 404, details: expect.stringContaining('URL signature expired') }),
      });
      status = 503;
      expect(await adapter.downloadMedia(credentials, '9')).toEqual({ ok: false, gone: false, error: expect.objectContaining({ httpStatus: 503, retriable: true }) });
    });

    it('refuses a file larger than maxBytes, announced or counted while streaming', async () => {
      let base = '';
      let announce = true;
      const { graph, adapter, credentials } = await setUp((req, res) => {
        if (req.url.startsWith('/file')) {
          res.writeHead(200, announce ? { 'content-length': '100' } : { 'transfer-encoding': 'chunked' });
          res.end(Buffer.alloc(100, 1));
          return;
        }
        json(res, 200, { messaging_product: 'whatsapp', url: `${base}/file`, id: '5' });
      });
      base = graph.baseUrl.replace(/\/v[0-9.]+$/, '');
      expect(await adapter.downloadMedia(credentials, '5', { maxBytes: 50 })).toEqual({ ok: false, gone: false, error: expect.objectContaining({ code: 'media_too_large' }) });
      announce = false;
      const streamed = await adapter.downloadMedia(credentials, '5', { maxBytes: 50 });
      if (!streamed.ok) throw new Error('expected a stream');
      await expect(read(streamed.body)).rejects.toThrow('larger than 50 bytes');
    });

    it('refuses a media id that could not be one without calling the provider', async () => {
      const { graph, adapter, credentials } = await setUp((_req, res) => json(res, 200, {}));
      expect(await adapter.downloadMedia(credentials, '../phone')).toMatchObject({ ok: false, gone: true });
      expect(graph.requests).toHaveLength(0);
    });
  });
});
