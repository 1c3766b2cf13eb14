// The simulator's HTTP face: a bare node:http server (no framework, so it keeps up with a load generator at
// 10,000+ sends/s), routing Graph paths to GraphApi (or, for Messenger/Instagram pages, PageApi), /bot<token>/…
// to TelegramApi and /_sim paths to AdminApi.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AdminApi } from './admin-api.service';
import { bearerToken, GraphApi, type Reply } from './graph-api.service';
import { badAccessToken, unknownPath } from './graph-error.util';
import { MEDIA_DOWNLOAD_PATH } from './media-store.service';
import type { Simulator } from './simulator.service';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from './simulator.constants';

const VERSION_PATTERN = /^v\d+(\.\d+)?$/;

/** Reads a request body; `undefined` when it is larger than `limit` (the rest is read and dropped). */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) done(undefined);
    else done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  });
  req.on('error', () => undefined); // the client went away; nothing to answer
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function writeJson(res: ServerResponse, status: number, body: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class SimulatorServer {
  private readonly server: Server;
  private readonly graph: GraphApi;
  private readonly admin: AdminApi;
  /** Requests answered with "timeout": held open until the client gives up (or we stop). */
  private readonly held = new Set<ServerResponse>();

  constructor(private readonly sim: Simulator) {
    this.graph = new GraphApi(sim);
    this.admin = new AdminApi(sim, () => this.held.size);
    this.server = createServer({ keepAlive: true, noDelay: true }, (req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    this.server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.sim.stats.stalls.start();
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops taking requests, drops held ones, closes connections, then stops the simulator's work. */
  async close(graceMs = 2000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
    await this.sim.stop();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
      this.route(req, res, method, path, url, q, Buffer.alloc(0));
      return;
    }
    // An upload (POST /upload:<session>) carries a file: up to a 100 MB PDF header.
    const limit = path.includes('/upload:') || path.includes('/upload%3A') ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
    readBody(req, limit, (body) => this.route(req, res, method, path, url, q, body));
  }

  private route(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    url: string,
    q: number,
    body: Buffer | undefined,
  ): void {
    try {
      if (path === '/_sim' || path.startsWith('/_sim/')) {
        const segments = path
          .slice(5)
          .split('/')
          .filter((part) => part.length > 0)
          .map(safeDecode);
        const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
        const answer = this.admin.handle(method, segments, query, body);
        writeJson(res, answer.status, answer.body);
        return;
      }
      // Telegram's Bot API (api.telegram.org/bot<token>/<method>) and its file downloads share this origin.
      if (path.startsWith('/bot')) {
        const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
        const answer = this.sim.platforms.telegram.handle(path, query, body, req.headers['content-type']);
        this.answer(res, answer, this.sim.responseDelay());
        return;
      }
      if (path.startsWith('/file/bot')) {
        this.serveTelegramFile(res, method, path);
        return;
      }
      if (path === MEDIA_DOWNLOAD_PATH || `${path}/` === MEDIA_DOWNLOAD_PATH) {
        this.serveMedia(req, res, method, new URLSearchParams(q === -1 ? '' : url.slice(q + 1)));
        return;
      }
      this.answer(res, this.graphRoute(req, method, path, url, q, body), this.sim.responseDelay());
    } catch (error) {
      this.sim.log(
        `error while handling ${method} ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      writeJson(res, 500, JSON.stringify({ error: { message: 'The simulator failed on this request; see its log.' } }));
    }
  }

  private graphRoute(
    req: IncomingMessage,
    method: string,
    path: string,
    url: string,
    q: number,
    body: Buffer | undefined,
  ): Reply {
    const parts = path.split('/');
    // parts[0] is "" (the path starts with "/"); an optional version comes next.
    let start = 1;
    if (parts.length > 1 && VERSION_PATTERN.test(parts[1] as string)) start = 2;
    const id = parts[start] === undefined ? undefined : safeDecode(parts[start] as string);
    const edge = parts[start + 1];
    const extra = parts.length > start + 2;
    const authorization = req.headers.authorization;
    const query = () => new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    if (id && !extra) {
      // A registered Messenger/Instagram page (or /me with a page's token) is served by the Send API; the map
      // lookup first keeps WhatsApp's hot path free of the page route's parsing.
      const pages = this.sim.platforms.pages;
      if (id === 'me' || pages.registry.has(id)) {
        const page = pages.route(method, id, edge, authorization, query(), body, req.headers['content-type']);
        if (page) return page;
      }
      if (id === 'app' && edge === undefined && method === 'GET') return this.graph.getApp(authorization, query());
      if (id.startsWith('upload:') && edge === undefined) {
        if (method === 'POST') {
          const offset = req.headers['file_offset'];
          return this.graph.uploadChunk(id, authorization, Array.isArray(offset) ? offset[0] : offset, body, query());
        }
        if (method === 'GET') return this.graph.getUploadSession(id, authorization, query());
      }
      if (edge === 'uploads' && method === 'POST') return this.graph.createUploadSession(id, authorization, query());
      if (edge === 'message_templates' && method === 'DELETE') return this.graph.deleteTemplates(id, authorization, query());
      if (edge === 'messages' && method === 'POST') return this.graph.send(id, authorization, body);
      if (edge === 'marketing_messages' && method === 'POST') return this.graph.sendMarketing(id, authorization, body);
      if (edge === 'message_templates' && method === 'POST') return this.graph.createTemplate(id, authorization, body);
      if (edge === 'message_templates' && method === 'GET') {
        const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
        const self = `http://${req.headers.host ?? 'localhost'}${url}`;
        return this.graph.listTemplates(id, authorization, query, self);
      }
      if (edge === undefined && method === 'GET') return this.graph.getObject(id, authorization, `http://${req.headers.host ?? 'localhost'}`);
    }
    return this.graph.error(unknownPath(path));
  }

  /**
   * A media download URL (GET /whatsapp_business/attachments/?mid=&ext=&hash=): the file's bytes to a request with
   * the token of a number of the file's WABA (Meta: "include your access token" on the download). An expired URL or a
   * forgotten file is a 404 (Meta's answer: ask GET /{media-id} for a new URL); a URL not issued here a 404 too.
   */
  private serveMedia(req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): void {
    if (method !== 'GET' && method !== 'HEAD') {
      writeJson(res, 405, JSON.stringify({ error: { message: 'Media URLs take GET.' } }));
      return;
    }
    const found = this.sim.media.resolve(query, this.sim.now());
    if (!found.ok) {
      const why = { invalid: 'is not a media URL the simulator issued', expired: 'expired (URLs work for 5 minutes): ask GET /{media-id} for a new one', gone: 'names a file that no longer exists' };
      writeJson(res, 404, JSON.stringify({ error: { message: `The media URL ${why[found.reason]}.`, code: 404 } }));
      return;
    }
    const token = bearerToken(req.headers.authorization);
    const media = found.media;
    if (token === undefined || !this.sim.registry.inWaba(media.wabaId).some((phone) => phone.accessToken === token)) {
      const error = badAccessToken(token === undefined ? 'missing' : 'mismatch');
      writeJson(res, 401, error.body);
      return;
    }
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': media.mimeType, 'content-length': media.bytes.length });
    res.end(method === 'HEAD' ? undefined : media.bytes);
  }

  /** GET /file/bot<token>/<file_path>: a file a Telegram user sent (its path from getFile). */
  private serveTelegramFile(res: ServerResponse, method: string, path: string): void {
    if (method !== 'GET' && method !== 'HEAD') {
      writeJson(res, 405, JSON.stringify({ ok: false, error_code: 405, description: 'Method Not Allowed' }));
      return;
    }
    const file = this.sim.platforms.telegram.file(path);
    if (!file.ok) {
      writeJson(res, file.status, file.body);
      return;
    }
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': file.mimeType, 'content-length': file.bytes.length });
    res.end(method === 'HEAD' ? undefined : file.bytes);
  }

  /**
   * Writes a Graph answer, after its own delay (an injected extra latency) plus `responseDelayMs` (the provider's
   * distance, `latency.responseMs`). Delayed answers wait in the simulator's one timer wheel, not a timer each,
   * so thousands in flight cost one 5 ms interval.
   */
  private answer(res: ServerResponse, reply: Reply, responseDelayMs: number): void {
    switch (reply.kind) {
      case 'hold':
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      case 'json': {
        const delayMs = reply.delayMs + responseDelayMs;
        if (delayMs > 0) this.sim.later(delayMs, () => writeJson(res, reply.status, reply.body));
        else writeJson(res, reply.status, reply.body);
        return;
      }
    }
  }
}
