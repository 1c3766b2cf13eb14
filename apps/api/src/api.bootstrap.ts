import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from '@herald/logging';
import type { ApiConfig } from '@herald/config';
import { ApiModule } from './api.module';
import { mountConsole } from './console/console-assets.util';
import { mountApiDocs } from './docs/openapi.util';
import { HeraldValidationPipe } from './http/validation.pipe';
import { mountQueuesDashboard } from './queues-dashboard/queues-dashboard.util';
import { WEBHOOKS_ROOT } from './webhooks/webhooks.controller';

/** Builds the HTTP API (used by main.ts and by the end-to-end tests). */
export async function createApiApp(config: ApiConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Webhook POSTs stay bytes: the signature is checked on the exact bytes received, and Postgres parses the body as
  // it stores it; up to WEBHOOK_BODY_LIMIT (a provider's batch refused is retried, then dropped). Everything else is
  // parsed as JSON (the JSON parser skips a body already read).
  app.useBodyParser('raw', {
    type: (req) => req.method === 'POST' && (req.url ?? '').startsWith(`/${WEBHOOKS_ROOT}/`),
    limit: config.webhookBodyLimitBytes,
  });
  // application/json and its structured-syntax kin (application/vnd.api+json…), which the content-type guard takes
  // as JSON too: unparsed, such a body read as empty ("number is required").
  app.useBodyParser('json', { limit: config.httpBodyLimitBytes, type: ['application/json', 'application/*+json'] });
  app.useGlobalPipes(new HeraldValidationPipe());
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  mountApiDocs(app);
  mountQueuesDashboard(app);
  mountConsole(app);
  return app;
}
