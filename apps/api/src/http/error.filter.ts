import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Response } from 'express';
import type { HeraldRequest } from './request-context.types';
import { toErrorResponse } from './error-response.util';

/** Every error leaves the API as `{"error":{"code","message","details"}}`. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
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
    if (status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="herald"');
    response.status(status).json(body);
  }
}
