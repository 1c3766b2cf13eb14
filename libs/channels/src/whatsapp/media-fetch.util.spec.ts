import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { forbiddenAddressKind, type AddressResolver } from '@herald/common';
import {
  fetchMedia,
  lastingFetchFailure,
  mimeTypeOf,
  TEMPLATE_HEADER_MEDIA,
  templateHeaderMediaProblem,
  type FetchMediaOptions,
} from './media-fetch.util';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);

let server: Server;
let base: string;
let port: number;
/** Every request the server received (path and query), so a test can tell that nothing was asked. */
let seen: string[] = [];

/** The test server is on loopback: most tests run with the switch on (MEDIA_ALLOW_PRIVATE_URLS=true). */
const OPEN = { maxBytes: 1024, allowPrivateUrls: true } as const satisfies FetchMediaOptions;
/** The guard on (the default). */
const GUARDED = { maxBytes: 1024 } as const satisfies FetchMediaOptions;

/**
 * Routes: /img (a jpeg), /hop/N (N redirects, then /img), /to?url= (a redirect there), /ftp (redirect to ftp:), /big
 * (announced), /chunked-big, /404, /hang.
 */
function route(req: IncomingMessage, res: ServerResponse): void {
  seen.push(req.url ?? '/');
  const url = new URL(req.url ?? '/', 'http://x');
  const hop = /^\/hop\/(\d+)$/.exec(url.pathname);
  if (url.pathname === '/img') {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length });
    res.end(JPEG);
  } else if (hop) {
    const left = Number(hop[1]);
    res.writeHead(302, { location: left <= 1 ? '/img' : `/hop/${left - 1}` });
    res.end();
  } else if (url.pathname === '/to') {
    res.writeHead(302, { location: url.searchParams.get('url') ?? '/img' });
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
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe(fetchMedia.name, () => {
  it('returns the bytes and the content type', async () => {
    const outcome = await fetchMedia(`${base}/img`, OPEN);
    expect(outcome).toEqual({ ok: true, bytes: new Uint8Array(JPEG), mimeType: 'image/jpeg', url: `${base}/img` });
  });

  it('follows up to 3 redirects, and refuses a fourth', async () => {
    const three = await fetchMedia(`${base}/hop/3`, OPEN);
    expect(three).toMatchObject({ ok: true, url: `${base}/img`, mimeType: 'image/jpeg' });
    const four = await fetchMedia(`${base}/hop/4`, OPEN);
    expect(four).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_redirects', retriable: false }) });
  });

  it('refuses URLs that are not http(s), also as a redirect target', async () => {
    for (const url of ['ftp://example.com/a.jpg', 'file:///etc/passwd', 'not a url', 'data:image/png;base64,AAAA']) {
      expect(await fetchMedia(url, OPEN)).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'media_url_invalid', category: 'invalid_request' }),
      });
    }
    expect(await fetchMedia(`${base}/ftp`, OPEN)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_url_invalid' }),
    });
  });

  it('refuses a body larger than maxBytes, announced or not', async () => {
    const announced = await fetchMedia(`${base}/big`, { ...OPEN, maxBytes: 5_000 });
    expect(announced).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_too_large', retriable: false }) });
    expect(announced.ok || announced.error.details).toContain('larger than 5000 bytes');
    const counted = await fetchMedia(`${base}/chunked-big`, { ...OPEN, maxBytes: 100_000 });
    expect(counted).toEqual({ ok: false, error: expect.objectContaining({ code: 'media_too_large' }) });
  });

  it('reports an HTTP error status, a timeout and a refused connection', async () => {
    expect(await fetchMedia(`${base}/404`, OPEN)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_http_status', retriable: false }),
    });
    const started = Date.now();
    expect(await fetchMedia(`${base}/hang`, { ...OPEN, timeoutMs: 200 })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'timeout', retriable: true, category: 'transient' }),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await fetchMedia('http://127.0.0.1:1/x.jpg', OPEN)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'network', retriable: true }),
    });
  });

  it('tells a host that does not exist, or answers without HTTP, from one failing for now: not worth asking again', async () => {
    const nowhere = async (hostname: string): Promise<never> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    expect(await fetchMedia('http://images.nowhere.test/x.jpg', { ...OPEN, resolve: nowhere })).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'media_host_unknown', retriable: false, category: 'invalid_request', details: expect.stringContaining('ENOTFOUND') }),
    });
    const sockets: Socket[] = [];
    const garbage = createNetServer((socket) => sockets.push(socket.end('HELLO\r\n\r\n')));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const at = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}/x.jpg`;
      expect(await fetchMedia(at, { ...OPEN, timeoutMs: 2_000 })).toEqual({
        ok: false,
        error: expect.objectContaining({ code: 'media_bad_response', retriable: false, details: expect.stringContaining('HTTPParserError') }),
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => garbage.close(resolve));
    }
  });

  it('classes certificate failures as lasting, a resolver that could not answer now or a reset connection as not', () => {
    const byCode = (codes: Array<string | undefined>) => codes.map((code) => lastingFetchFailure({ code, name: 'Error' }));
    expect(byCode(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'HPE_INVALID_CONSTANT'])).toEqual([
      'media_host_unknown',
      'media_tls',
      'media_tls',
      'media_tls',
      'media_bad_response',
    ]);
    expect(byCode(['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ENETUNREACH', 'UND_ERR_SOCKET', undefined])).toEqual(Array(6).fill(undefined));
    expect(lastingFetchFailure({ name: 'HTTPParserError' })).toBe('media_bad_response');
  });
});

describe('fetchMedia’s SSRF guard (MEDIA_ALLOW_PRIVATE_URLS off)', () => {
  /** A resolver of the test's own that remembers what it was asked. */
  const resolver = (answers: Record<string, string[]>): AddressResolver & { asked: string[] } => {
    const asked: string[] = [];
    const resolve = async (hostname: string) => {
      asked.push(hostname);
      const found = answers[hostname];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return Object.assign(resolve, { asked });
  };
  /** Counts the test server's own address (127.0.0.1) as public, so an allowed first hop can reach it. */
  const serverIsPublic = (address: string) => (address === '127.0.0.1' ? null : forbiddenAddressKind(address));

  const refusal = (details: RegExp) => ({
    ok: false,
    error: expect.objectContaining({
      code: 'media_url_invalid',
      title: 'Media URL not allowed',
      retriable: false,
      category: 'invalid_request',
      details: expect.stringMatching(details),
    }),
  });

  it('refuses loopback, metadata and private IP literals before any request', async () => {
    const resolve = resolver({});
    const started = Date.now();
    for (const [url, kind] of [
      [`${base}/img`, /points at a loopback address \(127\.0\.0\.1\)/],
      [`http://0x7f.1:${port}/img`, /points at a loopback address \(127\.0\.0\.1\)/], // the URL parser's 127.0.0.1
      [`http://[::1]:${port}/img`, /points at a loopback address \(::1\)/],
      [
        'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
        /points at a cloud metadata address \(169\.254\.169\.254\)/,
      ],
      ['http://[::ffff:a9fe:a9fe]/latest/meta-data/', /points at a cloud metadata address/],
      ['https://10.0.0.5/banner.png', /points at a private network address \(10\.0\.0\.5\)/],
    ] as const) {
      const outcome = await fetchMedia(url, { ...GUARDED, resolve });
      expect(outcome).toEqual(refusal(kind));
      expect(outcome.ok || outcome.error.details).toMatch(/only from public addresses unless MEDIA_ALLOW_PRIVATE_URLS=true/);
    }
    expect(seen).toEqual([]);
    expect(resolve.asked).toEqual([]);
    // Nothing was connected to: 169.254.169.254 and 10.0.0.5 would have taken the 15 s timeout here.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a name that resolves to a non-public address, at connect time, without a request', async () => {
    const resolve = resolver({
      'media.test': ['127.0.0.1'],
      'inside.test': ['10.1.2.3', 'fd00::5'],
      'meta.test': ['169.254.169.254'],
    });
    expect(await fetchMedia(`http://media.test:${port}/img`, { ...GUARDED, resolve })).toEqual(
      refusal(/^http:\/\/media\.test:\d+\/img: media\.test resolves to a loopback address; .*MEDIA_ALLOW_PRIVATE_URLS=true/),
    );
    expect(await fetchMedia('https://inside.test/a.png', { ...GUARDED, resolve })).toEqual(
      refusal(/inside\.test resolves to a private network address/),
    );
    expect(await fetchMedia('http://meta.test/latest/', { ...GUARDED, resolve })).toEqual(
      refusal(/meta\.test resolves to a cloud metadata address/),
    );
    expect(resolve.asked).toEqual(['media.test', 'inside.test', 'meta.test']);
    expect(seen).toEqual([]);
    // The addresses a name resolved to are not told to the user.
    const outcome = await fetchMedia('https://inside.test/a.png', { ...GUARDED, resolve });
    expect(outcome.ok || outcome.error.details).not.toContain('10.1.2.3');
  });

  it('checks every redirect: one from an allowed fetch to a loopback or private URL, or name, is refused', async () => {
    const resolve = resolver({ 'loopback.test': ['::1'], 'inside.test': ['192.168.1.20'] });
    const options = { ...GUARDED, resolve, addressKind: serverIsPublic };
    // The first hop is allowed and followed as usual…
    expect(await fetchMedia(`${base}/hop/2`, options)).toMatchObject({ ok: true, url: `${base}/img` });
    seen = [];
    // …but not to where these redirects point.
    for (const [target, why] of [
      [`http://127.0.0.2:${port}/img`, /redirects to http:\/\/127\.0\.0\.2:\d+\/img, a loopback address \(127\.0\.0\.2\)/],
      [`http://[::1]:${port}/img`, /redirects to http:\/\/\[::1\]:\d+\/img, a loopback address \(::1\)/],
      [
        'http://169.254.169.254/latest/meta-data/',
        /redirects to http:\/\/169\.254\.169\.254\/latest\/meta-data\/, a cloud metadata address/,
      ],
      [
        `http://loopback.test:${port}/img`,
        /^http:\/\/loopback\.test:\d+\/img \(redirected from .*\): loopback\.test resolves to a loopback address/,
      ],
      ['http://inside.test/img', /inside\.test resolves to a private network address/],
    ] as const) {
      const from = `${base}/to?url=${encodeURIComponent(target)}`;
      const outcome = await fetchMedia(from, options);
      expect(outcome).toEqual(refusal(why));
      expect(outcome.ok || outcome.error.details).toMatch(/MEDIA_ALLOW_PRIVATE_URLS=true/);
    }
    // The server saw the first hop of each, and nothing else.
    expect(seen).toHaveLength(5);
    expect(seen.every((path) => path.startsWith('/to?url='))).toBe(true);
  });

  it('fetches from loopback, by address or by name, when the switch is on', async () => {
    const resolve = resolver({ 'media.test': ['127.0.0.1'] });
    expect(await fetchMedia(`${base}/img`, { ...OPEN, resolve })).toMatchObject({ ok: true, mimeType: 'image/jpeg' });
    const byName = await fetchMedia(`http://media.test:${port}/hop/1`, { ...OPEN, resolve });
    expect(byName).toEqual({
      ok: true,
      bytes: new Uint8Array(JPEG),
      mimeType: 'image/jpeg',
      url: `http://media.test:${port}/img`,
    });
    expect(seen).toEqual(['/img', '/hop/1', '/img']);
    expect(resolve.asked).toContain('media.test');
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
