import { afterAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Headers, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { LoggerModule } from './logger.module';
import { PinoLogger } from './pino-logger.service';

type Line = Record<string, unknown>;

@Controller()
class ProbeController {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext(ProbeController.name);
  }

  /** Logs after a pause, so concurrent requests interleave: each line must still name its own request. */
  @Get('work')
  async work(@Headers('x-request-id') asked: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    this.logger.info({ asked }, 'working');
    this.logger.warn('careful');
    return 'done';
  }

  @Get('health')
  health(): string {
    return 'ok';
  }

  outside(): void {
    this.logger.info('between requests');
  }
}

/** A Nest app with the module configured as the API configures it, its lines collected. */
async function appLogging(level: string): Promise<{ app: INestApplication; lines: Line[] }> {
  const lines: Line[] = [];
  @Module({
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          level,
          stream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
          quietReqLogger: true,
          genReqId: (req: IncomingMessage, res: ServerResponse) => {
            const id = String(req.headers['x-request-id'] ?? 'generated');
            res.setHeader('X-Request-Id', id);
            return id;
          },
          customAttributeKeys: { reqId: 'requestId' },
          serializers: { req: (req: { id: unknown; url: string }) => ({ id: req.id, url: req.url }) },
          autoLogging: { ignore: (req) => req.url === '/health' },
        },
      }),
    ],
    controllers: [ProbeController],
  })
  class ProbeModule {}
  const app = await NestFactory.create(ProbeModule, { logger: false });
  await app.init();
  apps.push(app);
  return { app, lines };
}

const apps: INestApplication[] = [];
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
});

/** pino-http writes its line when the response finishes, which may come just after the client has the answer. */
async function lineWith(lines: Line[], match: (line: Line) => boolean): Promise<Line> {
  for (let i = 0; i < 100; i++) {
    const found = lines.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no such line in:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
}

const completed = (url: string) => (line: Line) => line.msg === 'request completed' && (line.req as Line | undefined)?.url === url;

describe(LoggerModule.name, () => {
  it("writes a PinoLogger line made inside a request with that request's id, even with requests in flight together", async () => {
    const { app, lines } = await appLogging('info');
    const ids = ['req-a', 'req-b', 'req-c'];
    const answers = await Promise.all(ids.map((id) => request(app.getHttpServer()).get('/work').set('X-Request-Id', id)));
    expect(answers.map((a) => a.headers['x-request-id'])).toEqual(ids);

    const working = lines.filter((line) => line.msg === 'working');
    expect(working).toHaveLength(3);
    for (const line of working) expect(line).toMatchObject({ level: 30, context: 'ProbeController', requestId: line.asked });
    // Only the id is bound to a request's own lines (quietReqLogger), not the whole request.
    expect(working[0]).not.toHaveProperty('req');
    expect(lines.find((line) => line.msg === 'careful')).toMatchObject({ level: 40, context: 'ProbeController', requestId: expect.stringMatching(/^req-/) });

    const done = await lineWith(lines, completed('/work'));
    expect(ids).toContain(done.requestId);
    expect(done).toMatchObject({ level: 30, req: { id: done.requestId, url: '/work' }, res: { statusCode: 200 } });
    expect(done.responseTime).toEqual(expect.any(Number));
  });

  it('writes a line made outside any request without a request id', async () => {
    const { app, lines } = await appLogging('info');
    await request(app.getHttpServer()).get('/work').set('X-Request-Id', 'req-before');
    app.get(ProbeController).outside();
    const line = await lineWith(lines, (l) => l.msg === 'between requests');
    expect(line).toMatchObject({ context: 'ProbeController' });
    expect(line).not.toHaveProperty('requestId');
  });

  it('writes no completion line for a request the ignore rule names', async () => {
    const { app, lines } = await appLogging('info');
    expect((await request(app.getHttpServer()).get('/health')).text).toBe('ok');
    await request(app.getHttpServer()).get('/work');
    await lineWith(lines, completed('/work'));
    expect(lines.filter(completed('/health'))).toEqual([]);
  });

  it('drops lines below the configured level, from application code and from pino-http alike', async () => {
    const { app, lines } = await appLogging('warn');
    await request(app.getHttpServer()).get('/work').set('X-Request-Id', 'req-quiet');
    await lineWith(lines, (l) => l.msg === 'careful');
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a completion line that must not come
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[40, 'careful']]);
  });
});
