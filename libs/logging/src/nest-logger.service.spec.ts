import { describe, expect, it } from '@jest/globals';
import { pinoHttp } from 'pino-http';
import { Logger } from './nest-logger.service';
import { PinoLogger } from './pino-logger.service';

/** A Logger over a PinoLogger whose lines are collected (no request: the root logger writes them). */
function collecting(): { logger: Logger; pinoLogger: PinoLogger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const httpLogger = pinoHttp({ level: 'trace', base: undefined, timestamp: false, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const pinoLogger = new PinoLogger(httpLogger);
  return { logger: new Logger(new PinoLogger(httpLogger)), pinoLogger, lines };
}

describe(Logger.name, () => {
  it("writes Nest's calls as pino lines: its last argument is the context, levels map to pino's", () => {
    const { logger, lines } = collecting();
    logger.log('Nest application successfully started', 'NestApplication');
    logger.warn({ queue: 'messages' }, 'Workers');
    logger.verbose('mapped', 'RouterExplorer');
    logger.debug('no context');
    expect(lines).toEqual([
      { level: 30, context: 'NestApplication', msg: 'Nest application successfully started' },
      { level: 40, context: 'Workers', queue: 'messages' },
      { level: 10, context: 'RouterExplorer', msg: 'mapped' },
      { level: 20, msg: 'no context' },
    ]);
  });

  it("keeps the stack Nest's exception handlers pass as an error's stack, not as message text", () => {
    const { logger, lines } = collecting();
    const stack = 'Error: boom\n    at handler (app.js:1:1)';
    logger.error('boom', stack, 'ExceptionsHandler');
    logger.error(new Error('thrown'), 'Bootstrap');
    expect(lines[0]).toEqual({ level: 50, context: 'ExceptionsHandler', err: { type: 'Error', message: 'boom', stack }, msg: 'boom' });
    expect(lines[1]).toMatchObject({ level: 50, context: 'Bootstrap', err: { type: 'Error', message: 'thrown' } });
  });
});

describe(PinoLogger.name, () => {
  it('adds its context to every line, an Error given first logged as `err`', () => {
    const { pinoLogger, lines } = collecting();
    pinoLogger.info('before any context');
    pinoLogger.setContext('WorkerPool');
    pinoLogger.info({ workers: 3 }, 'stopping');
    pinoLogger.warn('plain');
    pinoLogger.error(new Error('lost'), 'import failed');
    expect(lines.slice(0, 3)).toEqual([
      { level: 30, msg: 'before any context' },
      { level: 30, context: 'WorkerPool', workers: 3, msg: 'stopping' },
      { level: 40, context: 'WorkerPool', msg: 'plain' },
    ]);
    expect(lines[3]).toMatchObject({ level: 50, context: 'WorkerPool', err: { type: 'Error', message: 'lost' }, msg: 'import failed' });
  });
});
