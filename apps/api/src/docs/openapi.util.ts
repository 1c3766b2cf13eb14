import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI 3 document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Herald API')
    .setDescription(
      'Self-hosted WhatsApp campaigns. Every /v1 route except POST /v1/workspaces needs an API key, sent as ' +
        '"Authorization: Bearer <key>" or "x-api-key: <key>". Errors always have the shape ' +
        '{"error":{"code","message","details"}}. The routes under /compat/<vendor> (tags "compat: …") are vendors\' ' +
        'APIs served by Herald: each takes that vendor\'s auth header and answers in its shapes, errors included ' +
        '(docs/COMPATIBILITY.md).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A workspace API key (hrld_…).' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A workspace API key (hrld_…).' }, 'x-api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'The operator ADMIN_TOKEN.' }, 'admin-token')
    // The vendors' schemes, each onto a Herald API key (compat surfaces).
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-tenant-api-key', description: "ChitChatLabs' header: a Herald API key." }, 'x-tenant-api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: "Chat Inc's header: a Herald API key as is." }, 'Authorization')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'Bird\'s header: "AccessKey <Herald API key>".' }, 'AccessKey')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: "EngageLab's dev_key:dev_secret: an API key's public id (hrldpk_…) and the key." }, 'basic')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the JSON document at /docs-json. */
export function mountApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
