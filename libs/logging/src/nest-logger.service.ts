import { Injectable, type LoggerService } from '@nestjs/common';
import { PinoLogger } from './pino-logger.service';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's own logging (bootstrap, route mapping, its exception handlers, `new Logger('Name')` in application code)
 * written as pino lines: `app.useLogger(app.get(Logger))`. Nest passes the context name as the last argument; it
 * becomes the line's `context` field, as in nestjs-pino.
 */
@Injectable()
export class Logger implements LoggerService {
  constructor(private readonly logger: PinoLogger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    if (params.length > 0) fields.context = params.at(-1);
    const rest = params.slice(0, -1);
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, ...(rest as [string?]));
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message }, ...(rest as [string?]));
    } else if (level === 'error' && typeof message === 'string' && isStack(rest)) {
      // Nest's exception handlers call error(message, stack[, context]): keep the stack as the error's, not as text.
      const err = Object.assign(new Error(message), { stack: rest[0] });
      this.logger.error({ ...fields, err });
    } else {
      this.logger[level](fields, String(message), ...rest);
    }
  }
}

function isStack(rest: unknown[]): rest is [string] {
  return rest.length === 1 && typeof rest[0] === 'string' && /\n\s*at /.test(rest[0]);
}
