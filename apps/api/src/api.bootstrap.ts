import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { ApiConfig } from '@herald/config';
import { ApiModule } from './api.module';
import { mountApiDocs } from './docs/openapi.util';
import { HeraldValidationPipe } from './http/validation.pipe';
import { mountQueuesDashboard } from './queues-dashboard/queues-dashboard.util';

/** Builds the HTTP API (used by main.ts and by the end-to-end tests). */
export async function createApiApp(config: ApiConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    // Webhook signatures are checked on the exact bytes received.
    rawBody: true,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: config.httpBodyLimitBytes });
  app.useGlobalPipes(new HeraldValidationPipe());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  mountApiDocs(app);
  mountQueuesDashboard(app);
  return app;
}
