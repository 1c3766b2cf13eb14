import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { HttpLogger } from 'pino-http';

/**
 * The logger of the request being handled, carried along its async calls: a `PinoLogger` injected into a singleton
 * (the error filter, a service) is built once, yet each line it writes names the request it was written for.
 */
export const requestScope = new AsyncLocalStorage<Logger>();

/**
 * Wraps pino-http so the rest of the request runs inside `requestScope` with the request's own logger (`req.log`:
 * with `quietReqLogger`, a child bound to just the request id).
 */
export function scopedRequestLogging(httpLogger: HttpLogger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void =>
    httpLogger(req, res, () => requestScope.run(req.log, next));
}
