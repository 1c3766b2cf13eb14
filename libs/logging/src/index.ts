export * from './logger.module';
export * from './pino-logger.service';
export * from './nest-logger.service';
export type * from './logging.types';
