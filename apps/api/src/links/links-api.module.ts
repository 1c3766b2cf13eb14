import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { LinksModule } from '@herald/links';
import { LinkRedirectMiddleware, linkCodeOf } from './link-redirect.middleware';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Tracked links in the API: the public redirect `GET /l/<code>`.
 *
 * Its requests are taken off the HTTP server before the Express app: the app's path (request ids, pino-http, the
 * metrics middleware, the router, Nest's guards and filters) cost ~400 µs of CPU per request on the benchmark machine
 * (a bare node:http answer ~25 µs), which capped redirects at ~2,000/s on 2 cores with p99 over 50 ms; taken off, a
 * click costs ~50 µs of API CPU and 15,000 clicks/s are answered with p99 13 ms (docs/BENCHMARKS.md, tracked-link
 * redirects). What these requests give up: they are not in the access
 * log nor in the HTTP latency histogram of /metrics, and carry no X-Request-Id; nothing else applied to them (no
 * API key, no body). Not a route of the JSON API, so not in /docs either.
 */
@Module({ imports: [LinksModule], providers: [LinkRedirectMiddleware] })
export class LinksApiModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly redirect: LinkRedirectMiddleware,
  ) {}

  onModuleInit(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return; // an application context without HTTP
    const app = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const code = linkCodeOf(req.url);
      if (code !== undefined) this.redirect.handle(code, req, res);
      else for (const listener of app) listener.call(server, req, res);
    });
  }
}
