import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

export const CONSOLE_ROUTE = '/console';

/** Where `npm run build` puts the console's bundle (apps/console/build.mjs); the API runs from the checkout's root. */
export const CONSOLE_DIR = resolve(process.cwd(), 'dist', 'console');

// The console calls only this origin's API and loads only its own files; campaign header images may be anywhere.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The console's static files at /console, outside the /v1 auth: the page holds no data, and every call it makes is
 * to the public API with the key the user signs in with. Without a build, /console answers 503 saying how to make
 * one (checked per request, so a build made while the API runs is picked up).
 */
export function mountConsole(app: NestExpressApplication, dir: string = CONSOLE_DIR): void {
  let built = false;
  app.use(CONSOLE_ROUTE, (_request: Request, response: Response, next: NextFunction) => {
    built ||= existsSync(join(dir, 'index.html'));
    if (!built) {
      response.status(503).json({
        error: {
          code: 'console_not_built',
          message: `The console is not built (no ${join(dir, 'index.html')}): run \`npm run build\`, which bundles apps/console into dist/console.`,
          details: [],
        },
      });
      return;
    }
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  // The bundle's names are not hashed: browsers revalidate (ETag) so a rebuild is seen on the next load.
  app.useStaticAssets(dir, { prefix: CONSOLE_ROUTE, index: 'index.html', setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
}
