import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fetchMedia, mimeTypeOf, TEMPLATE_HEADER_MEDIA, templateHeaderMediaProblem } from './media-fetch.util';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);

let server: Server;
let base: string;

/** Routes: /img (a jpeg), /hop/N (N redirects, then /img), /ftp (redirect to ftp:), /big (announced), /chunked-big, /404, /hang. */
function route(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/img') {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length });
    res.end(JPEG);
  } else if (hop) {
    const left = Number(hop[1]);
    res.writeHead(302, { location: left <= 1 ? '/img' : `/hop/${left - 1}` });
    res.end();
  } else if (url.pathname === '/ftp') {
    res.writeHead(301, { location: 'ftp://example.com/a.jpg' });
    res.end();
  } else if (url.pathname === '/big') {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': 1_000_000 });
    res.end(Buffer.alloc(1_000_000));
  } else if (url.pathname === '/chunked-big') {
    res.writeHead(200, { 'content-type': 'video/mp4' });
    const chunk = Buffer.alloc(16 * 1024);
    for (let i = 0; i < 16; i += 1) res.write(chunk);
    res.end();
  } else if (url.pathname === '/404') {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no');
  } else if (url.pathname === '/hang') {
    // never answers
  } else {
    res.writeHead(500);
    res.end();
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe(fetchMedia.name, () => {
  it('returns the bytes and the content type', async () => {
    const outcome = await fetchMedia(`${base}/img`, { maxBytes: 1024 });
    expect(outcome).toEqual({ ok: true, bytes: new Uint8Array(JPEG), mimeType: 'image/jpeg', url: `${base}/img` });
  });

  it('follows up to 3 redirects, and refuses a fourth', async () => {
    const three = await fetchMedia(`${base}/hop/3`, { maxBytes: 1024 });
    expect(three).toMatchObject({ ok: true, url: `${base}/img`, mimeType: 'image/jpeg' });
    const four = await fetchMedia(`${base}/hop/4`, { maxBytes: 1024 });
    expect(four).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_redirects', retriable: false }) });
  });

  it('refuses URLs that are not http(s), also as a redirect target', async () => {
    for (const url of ['ftp://example.com/a.jpg', 'file:///etc/passwd', 'not a url', 'data:image/png;base64,AAAA']) {
      expect(await fetchMedia(url, { maxBytes: 1024 })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'media_url_invalid', category: 'invalid_request' }),
      });
    }
    expect(await fetchMedia(`${base}/ftp`, { maxBytes: 1024 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_url_invalid' }),
    });
  });

  it('refuses a body larger than maxBytes, announced or not', async () => {
    const announced = await fetchMedia(`${base}/big`, { maxBytes: 5_000 });
    expect(announced).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_too_large', retriable: false }) });
    expect(announced.ok || announced.error.details).toContain('larger than 5000 bytes');
    const counted = await fetchMedia(`${base}/chunked-big`, { maxBytes: 100_000 });
    expect(counted).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_too_large' }) });
  });

  it('reports an HTTP error status, a timeout and a refused connection', async () => {
    expect(await fetchMedia(`${base}/404`, { maxBytes: 1024 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_http_status', retriable: false }),
    });
    const started = Date.now();
    expect(await fetchMedia(`${base}/hang`, { maxBytes: 1024, timeoutMs: 200 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'timeout', retriable: true, category: 'transient' }),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await fetchMedia('http://127.0.0.1:1/x.jpg', { maxBytes: 1024 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'network', retriable: true }),
    });
  });
});

describe('template header media rules', () => {
  it('are Meta’s: jpeg/png ≤ 5 MB, mp4 ≤ 16 MB, pdf ≤ 100 MB', () => {
    expect(TEMPLATE_HEADER_MEDIA).toEqual({
      image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
      video: { mimeTypes: ['video/mp4'], maxBytes: 16 * 1024 * 1024 },
      document: { mimeTypes: ['application/pdf'], maxBytes: 100 * 1024 * 1024 },
    });
  });

  it('say what is wrong with a file for a header format', () => {
    expect(templateHeaderMediaProblem('image', 'image/JPEG; charset=binary', 10)).toBeUndefined();
    expect(templateHeaderMediaProblem('image', 'image/jpg', 10)).toBeUndefined();
    expect(templateHeaderMediaProblem('image', 'image/gif', 10)).toContain('image/jpeg or image/png');
    expect(templateHeaderMediaProblem('video', 'video/mp4', 16 * 1024 * 1024 + 1)).toContain('at most');
    expect(templateHeaderMediaProblem('document', '', 10)).toContain('of no stated type');
    expect(mimeTypeOf(' Application/PDF ; x=1')).toBe('application/pdf');
  });
});
