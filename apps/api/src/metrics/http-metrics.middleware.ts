import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from './metrics.service';

/** Nest answers unknown routes from a catch-all route with this pattern. */
const CATCH_ALL = '{/*splat}';

function routeLabel(request: Request): string {
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string' && pattern !== CATCH_ALL) return `${request.baseUrl}${pattern}`;
  if (request.originalUrl.startsWith('/admin/queues')) return '/admin/queues';
  return 'unmatched';
}

/**
 * Times every request. The route label is the matched route pattern (`/v1/api-keys/:id`), never the raw
 * path, so label cardinality stays bounded; unmatched paths count as `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const stop = this.metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const route = routeLabel(request);
      stop({ method: request.method, route, status_code: String(response.statusCode) });
    });
    next();
  }
}
