import { Inject, Injectable, Scope } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import type { HttpLogger } from 'pino-http';
import { HTTP_LOGGER } from './logging.constants';
import { requestScope } from './request-scope.util';

type LogArgs = [first: unknown, ...rest: unknown[]];

/**
 * pino's methods for application code: inside a request the line goes through that request's logger (so it carries
 * its `requestId`), elsewhere through the app's root logger. Transient, so each class that injects it gets its own
 * instance and its own `setContext` name, logged as `context`.
 */
@Injectable({ scope: Scope.TRANSIENT })
export class PinoLogger {
  private context = '';

  constructor(@Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger) {}

  /** The logger a line goes through right now. */
  get logger(): Logger {
    return requestScope.getStore() ?? this.httpLogger.logger;
  }

  setContext(name: string): void {
    this.context = name;
  }

  trace(msg: string, ...args: unknown[]): void;
  trace(obj: unknown, msg?: string, ...args: unknown[]): void;
  trace(...args: LogArgs): void {
    this.write('trace', args);
  }

  debug(msg: string, ...args: unknown[]): void;
  debug(obj: unknown, msg?: string, ...args: unknown[]): void;
  debug(...args: LogArgs): void {
    this.write('debug', args);
  }

  info(msg: string, ...args: unknown[]): void;
  info(obj: unknown, msg?: string, ...args: unknown[]): void;
  info(...args: LogArgs): void {
    this.write('info', args);
  }

  warn(msg: string, ...args: unknown[]): void;
  warn(obj: unknown, msg?: string, ...args: unknown[]): void;
  warn(...args: LogArgs): void {
    this.write('warn', args);
  }

  error(msg: string, ...args: unknown[]): void;
  error(obj: unknown, msg?: string, ...args: unknown[]): void;
  error(...args: LogArgs): void {
    this.write('error', args);
  }

  fatal(msg: string, ...args: unknown[]): void;
  fatal(obj: unknown, msg?: string, ...args: unknown[]): void;
  fatal(...args: LogArgs): void {
    this.write('fatal', args);
  }

  /**
   * Adds `context` to the line's fields the way nestjs-pino did, so lines keep their shape: merged into an object
   * given first, an Error given first becomes `err` (pino's error serializer), a message gets a fields object before it.
   */
  private write(level: Level, [first, ...rest]: LogArgs): void {
    const log = this.logger[level].bind(this.logger) as (...args: unknown[]) => void;
    if (!this.context) return log(first, ...rest);
    if (first instanceof Error) return log({ context: this.context, err: first }, ...rest);
    if (typeof first === 'object') return log({ context: this.context, ...first }, ...rest);
    log({ context: this.context }, first, ...rest);
  }
}
