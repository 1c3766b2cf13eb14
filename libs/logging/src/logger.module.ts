import { DynamicModule, Global, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { HTTP_LOGGER } from './logging.constants';
import type { LoggerModuleOptions } from './logging.types';
import { Logger } from './nest-logger.service';
import { PinoLogger } from './pino-logger.service';
import { scopedRequestLogging } from './request-scope.util';

/**
 * Every route, the app root included. path-to-regexp 8 (Express 5) no longer takes a bare `*`; `{/*splat}` is the
 * optional-wildcard form Nest 12 passes through as it is.
 */
const EVERY_ROUTE = { path: '{/*splat}', method: RequestMethod.ALL };

/**
 * pino for a Nest app: one pino-http instance per app (so two apps in one process, as in the tests, keep their own
 * options), applied as middleware to every route; `PinoLogger` and `Logger` injectable anywhere. In an app without
 * HTTP (the worker) the middleware is never applied and the instance is only the root logger.
 */
@Global()
@Module({})
export class LoggerModule implements NestModule {
  constructor(@Inject(HTTP_LOGGER) private readonly httpLogger: HttpLogger) {}

  static forRoot(options: LoggerModuleOptions = {}): DynamicModule {
    return {
      module: LoggerModule,
      providers: [{ provide: HTTP_LOGGER, useFactory: () => pinoHttp(options.pinoHttp) }, PinoLogger, Logger],
      exports: [PinoLogger, Logger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(scopedRequestLogging(this.httpLogger)).forRoutes(EVERY_ROUTE);
  }
}
