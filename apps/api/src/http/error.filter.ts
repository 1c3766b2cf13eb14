import { ArgumentsHost, Catch, ExceptionFilter, Inject, Optional } from '@nestjs/common';
import { PinoLogger } from '@herald/logging';
import type { Response } from 'express';
import type { HeraldRequest } from './request-context.types';
import { toErrorResponse } from './error-response.util';
import { VENDOR_ERROR_SHAPES, type VendorErrorShape } from './vendor-error-shape.types';

/**
 * Every error leaves the API as `{"error":{"code","message","details"}}` — except under a vendor-compatible
 * surface's prefix, where the vendor's own error shape is answered (docs/COMPATIBILITY.md).
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: PinoLogger,
    @Optional() @Inject(VENDOR_ERROR_SHAPES) private readonly vendorShapes: readonly VendorErrorShape[] = [],
  ) {
    logger.setContext(ErrorFilter.name);
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<HeraldRequest>();
    const response = http.getResponse<Response>();
    const requestId = request?.id === undefined ? undefined : String(request.id as unknown);
    const { status, body, unexpected } = toErrorResponse(error, requestId);
    if (unexpected) this.logger.error({ err: error, status }, 'request failed');
    if (response.headersSent) return;
    // A route may have set another type for its answer (the webhook handshake's text/plain) before it failed: the error
    // is JSON, and says so (express's json() keeps a Content-Type already set).
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    const path = request?.path ?? '';
    const vendor = this.vendorShapes.find((shape) => path.startsWith(shape.prefix));
    if (vendor) {
      const answer = vendor.render({ status, body, unexpected }, requestId);
      for (const [name, value] of Object.entries(answer.headers ?? {})) response.setHeader(name, value);
      response.status(answer.status).json(answer.body);
      return;
    }
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="herald"');
    response.status(status).json(body);
  }
}
