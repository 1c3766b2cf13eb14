import type { Options } from 'pino-http';

/** `LoggerModule.forRoot`'s options: pino-http's (which include pino's: level, serializers, stream…). */
export interface LoggerModuleOptions {
  readonly pinoHttp?: Options;
}
