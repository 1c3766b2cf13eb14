import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LinkRedirects } from '@herald/links';

/** Tracked links are `<public URL>/l/<code>`. */
const LINK_PATH = /^\/l\/([^/?#]*)\/?(?:[?#]|$)/;

const page = (title: string, text: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222">` +
  `<h1 style="font-size:1.4rem">${title}</h1><p>${text}</p></body></html>`;
const NOT_FOUND_PAGE = page('Link not found', 'This link does not exist. Check that it was copied whole.');
const UNAVAILABLE_PAGE = page('Try again in a moment', 'This link cannot be opened right now. Please try again in a few seconds.');

/** The code of a tracked link's path (`/l/<code>`, query ignored); undefined for any other path. */
export function linkCodeOf(url: string | undefined): string | undefined {
  const match = url === undefined ? null : LINK_PATH.exec(url);
  return match ? match[1]! : undefined;
}

/**
 * Tracked links' redirect for recipients' browsers, `GET /l/<code>`: public (no API key), answered from memory when
 * it can, the click recorded afterwards in a batch (ClickRecorder), so the answer never waits for a write.
 *
 * Answers: 302 to the destination stored for the code (nothing of the request ever becomes a Location, so it is no
 * open redirect); 404 with a small HTML page for a malformed or unknown code; 503 with one when Postgres cannot be
 * read for a code not in memory; 405 for methods other than GET and HEAD (a HEAD is redirected, not counted). Never
 * cached (every click must reach us), and the browser is asked not to send this URL, which carries the code, on as
 * a Referer.
 *
 * Written against node:http, not Express: LinksApiModule hands it `/l/` requests before the Express app sees them
 * (see there for why).
 */
@Injectable()
export class LinkRedirectMiddleware {
  private readonly logger = new Logger(LinkRedirectMiddleware.name);

  constructor(private readonly redirects: LinkRedirects) {}

  handle(code: string, req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      this.page(res, 405, page('Method not allowed', 'Open this link in a browser.'));
      return;
    }
    this.redirects.follow(code, { userAgent: req.headers['user-agent'], isClick: req.method === 'GET' }).then(
      (destination) => {
        if (destination === null) {
          this.page(res, 404, NOT_FOUND_PAGE);
          return;
        }
        res.statusCode = 302;
        res.setHeader('Location', destination);
        res.setHeader('Content-Length', '0');
        res.end();
      },
      (error: unknown) => {
        this.logger.warn(`link ${code} could not be looked up: ${error instanceof Error ? error.message : String(error)}`);
        res.setHeader('Retry-After', '5');
        this.page(res, 503, UNAVAILABLE_PAGE);
      },
    );
  }

  private page(res: ServerResponse, status: number, html: string): void {
    res.statusCode = status;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(html));
    res.end(res.req.method === 'HEAD' ? undefined : html);
  }
}
