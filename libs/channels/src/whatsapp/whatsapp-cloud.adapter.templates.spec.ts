// The adapter's template management (listTemplates, deleteTemplate, uploadMedia) against a stand-in for
// graph.facebook.com, checked as Meta sees the requests (Graph API reference: WhatsApp Business Account >
// message_templates; Graph API guide "Upload a file", the Resumable Upload API).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { GRAPH_API_VERSION } from './whatsapp.constants';
import { WhatsAppCloudAdapter } from './whatsapp-cloud.adapter';
import type { WhatsAppCredentials } from './whatsapp.types';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

type Answer = (req: Received, res: ServerResponse) => void;

const V = `/${GRAPH_API_VERSION}`;
const TOKEN = 'EAAJB-test-token';
const WABA = '102290129340398';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const graphError = (code: number, message: string) => ({
  error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC' },
});

let server: Server | undefined;
let adapter: WhatsAppCloudAdapter | undefined;
let requests: Received[] = [];

async function setUp(answer: Answer, extra: Partial<WhatsAppCredentials> = {}) {
  requests = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      answer(received, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  adapter = new WhatsAppCloudAdapter({ requestTimeoutMs: 2_000 });
  const credentials: WhatsAppCredentials = {
    graphBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${V}`,
    phoneNumberId: '106540352242922',
    wabaId: WABA,
    accessToken: TOKEN,
    ...extra,
  };
  return { adapter, credentials };
}

afterEach(async () => {
  await adapter?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
  server = undefined;
  adapter = undefined;
});

const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);
const pathOf = (url: string) => new URL(url, 'http://x').pathname;

const IMAGE_TEMPLATE = {
  name: 'spring_sale',
  parameter_format: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://scontent.whatsapp.net/x.jpg'] } },
    { type: 'BODY', text: 'Hi {{1}}', example: { body_text: [['Ann']] } },
    'not an object',
  ],
  language: 'en_US',
  status: 'APPROVED',
  category: 'MARKETING',
  quality_score: { score: 'GREEN', date: 1_750_000_000 },
  rejected_reason: 'NONE',
  id: '806312974732579',
  some_new_field: { anything: true },
};

describe('WhatsAppCloudAdapter.listTemplates', () => {
  it('reads one page with the fields Herald needs and hands back the next cursor', async () => {
    const { adapter, credentials } = await setUp((_req, res) =>
      json(res, 200, {
        data: [
          IMAGE_TEMPLATE,
          {
            name: 'order_update',
            parameter_format: 'NAMED',
            components: [{ type: 'BODY', text: 'Order {{order_id}}' }],
            language: 'en',
            status: 'REJECTED',
            category: 'UTILITY',
            quality_score: 'UNKNOWN',
            rejected_reason: 'INVALID_FORMAT',
            id: 806312974732580,
          },
        ],
        paging: { cursors: { before: 'QVFIUk', after: 'QVFIUl9' }, next: 'https://graph.facebook.com/v26.0/x?after=QVFIUl9' },
      }),
    );
    const outcome = await adapter.listTemplates(credentials, { after: 'QVFIUk', limit: 50 });

    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(pathOf(requests[0]!.url)).toBe(`${V}/${WABA}/message_templates`);
    expect(query(requests[0]!.url)).toEqual({
      fields: 'name,language,category,status,quality_score,components,parameter_format,rejected_reason,id',
      limit: '50',
      after: 'QVFIUk',
    });
    expect(requests[0]!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(outcome).toEqual({
      ok: true,
      next: 'QVFIUl9',
      templates: [
        {
          id: '806312974732579',
          name: 'spring_sale',
          language: 'en_US',
          category: 'MARKETING',
          status: 'APPROVED',
          providerStatus: 'APPROVED',
          qualityScore: 'GREEN',
          parameterFormat: 'positional',
          components: [IMAGE_TEMPLATE.components[0], IMAGE_TEMPLATE.components[1]],
        },
        {
          id: '806312974732580',
          name: 'order_update',
          language: 'en',
          category: 'UTILITY',
          status: 'REJECTED',
          providerStatus: 'REJECTED',
          qualityScore: 'UNKNOWN',
          rejectedReason: 'INVALID_FORMAT',
          parameterFormat: 'named',
          components: [{ type: 'BODY', text: 'Order {{order_id}}' }],
        },
      ],
    });
  });

  it('asks for 100 a page by default, and gives no next cursor on the last page (no paging.next)', async () => {
    const { adapter, credentials } = await setUp((_req, res) =>
      json(res, 200, { data: [IMAGE_TEMPLATE], paging: { cursors: { before: 'a', after: 'b' } } }),
    );
    const outcome = await adapter.listTemplates(credentials);
    expect(query(requests[0]!.url)['limit']).toBe('100');
    expect(query(requests[0]!.url)['after']).toBeUndefined();
    expect('next' in outcome).toBe(false);
    expect(outcome.ok && outcome.templates.map((t) => t.name)).toEqual(['spring_sale']);
  });

  it('skips malformed entries without failing the page, and maps an unknown status to UNKNOWN', async () => {
    const { adapter, credentials } = await setUp((_req, res) =>
      json(res, 200, {
        data: [
          'junk',
          null,
          { name: 'no_id', language: 'en', status: 'APPROVED' },
          { id: '1', language: 'en', status: 'APPROVED' },
          { id: '2', name: 'no_status', language: 'en' },
          { id: '3', name: 'odd', language: 'en', status: 'LOCKED', components: 'nope' },
        ],
      }),
    );
    const outcome = await adapter.listTemplates(credentials);
    expect(outcome).toEqual({
      ok: true,
      templates: [
        {
          id: '3',
          name: 'odd',
          language: 'en',
          category: '',
          status: 'UNKNOWN',
          providerStatus: 'LOCKED',
          parameterFormat: 'positional',
          components: [],
        },
      ],
    });
  });

  it('returns a Graph error mapped by code, and refuses a bad limit without calling Meta', async () => {
    const { adapter, credentials } = await setUp((_req, res) =>
      json(res, 401, graphError(190, 'Error validating access token: Session has expired')),
    );
    const refused = await adapter.listTemplates(credentials);
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: '190', category: 'auth_expired' }) });
    const bad = await adapter.listTemplates(credentials, { limit: 0 });
    expect(bad).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_limit' }) });
    expect(requests).toHaveLength(1);
  });

  it('says so when the answer has no data array', async () => {
    const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { id: WABA }));
    expect(await adapter.listTemplates(credentials)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unexpected_response' }),
    });
  });
});

describe('WhatsAppCloudAdapter.deleteTemplate', () => {
  it('deletes every language of a name, or one template with hsm_id', async () => {
    const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { success: true }));
    expect(await adapter.deleteTemplate(credentials, { name: 'spring_sale' })).toEqual({ ok: true });
    expect(await adapter.deleteTemplate(credentials, { name: 'spring_sale', id: '806312974732579' })).toEqual({ ok: true });
    expect(requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE']);
    expect(pathOf(requests[0]!.url)).toBe(`${V}/${WABA}/message_templates`);
    expect(query(requests[0]!.url)).toEqual({ name: 'spring_sale' });
    expect(query(requests[1]!.url)).toEqual({ name: 'spring_sale', hsm_id: '806312974732579' });
  });

  it('maps a refusal, and checks its input before calling Meta', async () => {
    const { adapter, credentials } = await setUp((_req, res) => json(res, 400, graphError(100, 'Invalid parameter')));
    expect(await adapter.deleteTemplate(credentials, { name: 'gone' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: '100', retriable: false }),
    });
    expect(await adapter.deleteTemplate(credentials, { name: ' ' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_template_name' }),
    });
    expect(await adapter.deleteTemplate(credentials, { name: 'x', id: '12/../3' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_template_id' }),
    });
    expect(requests).toHaveLength(1);
  });

  it('does not take an answer without success for a deletion', async () => {
    const { adapter, credentials } = await setUp((_req, res) => json(res, 200, { success: false }));
    expect(await adapter.deleteTemplate(credentials, { name: 'spring_sale' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unexpected_response' }),
    });
  });
});

describe('WhatsAppCloudAdapter.uploadMedia', () => {
  const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

  /** Graph's two upload steps, and GET /app naming app 4242. */
  const uploadGraph: Answer = (req, res) => {
    const path = pathOf(req.url);
    if (req.method === 'GET' && path === `${V}/app`) return json(res, 200, { id: '4242', name: 'Herald', link: 'x' });
    // Meta's session ids carry a signature as a query: the adapter must use them verbatim.
    if (req.method === 'POST' && path.endsWith('/uploads')) return json(res, 200, { id: 'upload:MTphdHRhY2g=?sig=ARZx-1' });
    if (req.method === 'POST' && req.url === `${V}/upload:MTphdHRhY2g=?sig=ARZx-1`) {
      return json(res, 200, { h: '4::aW1hZ2UvanBlZw==:ARZ' });
    }
    return json(res, 404, graphError(2500, 'Unknown path'));
  };

  it('opens a session on the app and sends the bytes with OAuth and file_offset 0, returning the handle', async () => {
    const { adapter, credentials } = await setUp(uploadGraph, { appId: '777' });
    const outcome = await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'image/jpeg', fileName: 'sale.jpg' });

    expect(outcome).toEqual({ ok: true, handle: '4::aW1hZ2UvanBlZw==:ARZ' });
    expect(requests).toHaveLength(2);
    const [open, upload] = requests;
    expect(open!.method).toBe('POST');
    expect(pathOf(open!.url)).toBe(`${V}/777/uploads`);
    expect(query(open!.url)).toEqual({ file_name: 'sale.jpg', file_length: '8', file_type: 'image/jpeg' });
    expect(open!.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(upload!.method).toBe('POST');
    expect(upload!.url).toBe(`${V}/upload:MTphdHRhY2g=?sig=ARZx-1`);
    expect(upload!.headers['authorization']).toBe(`OAuth ${TOKEN}`);
    expect(upload!.headers['file_offset']).toBe('0');
    expect([...upload!.body]).toEqual([...BYTES]);
  });

  it('learns the app from GET /app once per token when the credentials name none', async () => {
    const { adapter, credentials } = await setUp(uploadGraph);
    expect(await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'image/png' })).toEqual({
      ok: true,
      handle: '4::aW1hZ2UvanBlZw==:ARZ',
    });
    expect(await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'application/pdf' })).toMatchObject({ ok: true });
    const calls = requests.map((r) => `${r.method} ${pathOf(r.url)}`);
    expect(calls).toEqual([
      `GET ${V}/app`,
      `POST ${V}/4242/uploads`,
      `POST ${V}/upload:MTphdHRhY2g=`,
      `POST ${V}/4242/uploads`,
      `POST ${V}/upload:MTphdHRhY2g=`,
    ]);
    expect(query(requests[1]!.url)['file_name']).toBe('header.png');
    expect(query(requests[3]!.url)['file_type']).toBe('application/pdf');
  });

  it('does not remember a failed GET /app', async () => {
    let appFailures = 1;
    const { adapter, credentials } = await setUp((req, res) => {
      if (pathOf(req.url) === `${V}/app` && appFailures > 0) {
        appFailures -= 1;
        return json(res, 500, graphError(2, 'Service temporarily unavailable'));
      }
      return uploadGraph(req, res);
    });
    const first = await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'image/jpeg' });
    expect(first).toEqual({ ok: false, error: expect.objectContaining({ retriable: true }) });
    expect(await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'image/jpeg' })).toMatchObject({ ok: true });
    expect(requests.filter((r) => pathOf(r.url) === `${V}/app`)).toHaveLength(2);
  });

  it('refuses a type the upload API does not take, or an empty file, without calling Meta', async () => {
    const { adapter, credentials } = await setUp(uploadGraph, { appId: '777' });
    expect(await adapter.uploadMedia(credentials, { bytes: BYTES, mimeType: 'image/gif' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_media_type', category: 'invalid_request' }),
    });
    expect(await adapter.uploadMedia(credentials, { bytes: new Uint8Array(), mimeType: 'image/jpeg' })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'invalid_media' }),
    });
    expect(requests).toHaveLength(0);
  });

  it('maps a refused step, and does not take an answer without a session id or a handle', async () => {
    let mode: 'refuse' | 'no-session' | 'no-handle' = 'refuse';
    const { adapter, credentials } = await setUp(
      (req, res) => {
        const path = pathOf(req.url);
        if (path.endsWith('/uploads')) {
          if (mode === 'refuse') return json(res, 400, graphError(100, 'Invalid parameter'));
          if (mode === 'no-session') return json(res, 200, { id: '123' });
          return json(res, 200, { id: 'upload:abc' });
        }
        return json(res, 200, { id: 'upload:abc', file_offset: 4 });
      },
      { appId: '777' },
    );
    const file = { bytes: BYTES, mimeType: 'video/mp4' };
    expect(await adapter.uploadMedia(credentials, file)).toEqual({ ok: false, error: expect.objectContaining({ code: '100' }) });
    mode = 'no-session';
    expect(await adapter.uploadMedia(credentials, file)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unexpected_response' }),
    });
    mode = 'no-handle';
    expect(await adapter.uploadMedia(credentials, file)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'unexpected_response' }),
    });
  });
});

describe('WhatsAppCloudAdapter.fetchMedia', () => {
  it('keeps the SSRF guard unless built with mediaAllowPrivateUrls (MEDIA_ALLOW_PRIVATE_URLS)', async () => {
    await setUp((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/banner.png`;
    const guarded = new WhatsAppCloudAdapter();
    // A caller's options cannot switch the guard off: only the adapter's configuration can.
    const options = { maxBytes: 1024, allowPrivateUrls: true };
    expect(await guarded.fetchMedia(url, options)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_url_invalid', details: expect.stringContaining('a loopback address') }),
    });
    expect(requests).toEqual([]);
    const open = new WhatsAppCloudAdapter({ mediaAllowPrivateUrls: true });
    expect(await open.fetchMedia(url, { maxBytes: 1024 })).toMatchObject({ ok: true, mimeType: 'image/png', url });
    expect(requests.map((r) => [r.method, r.url, r.headers['user-agent']])).toEqual([['GET', '/banner.png', 'herald']]);
    await Promise.all([guarded.close(), open.close()]);
  });
});
