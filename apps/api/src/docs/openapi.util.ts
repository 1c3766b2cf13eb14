import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI 3 document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Herald API')
    .setDescription(
      'Self-hosted WhatsApp campaigns. Every /v1 route except POST /v1/workspaces needs an API key, sent as ' +
        '"Authorization: Bearer <key>" or "x-api-key: <key>". Errors always have the shape ' +
        '{"error":{"code","message","details"}}.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'A workspace API key (hrld_…).' }, 'api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'A workspace API key (hrld_…).' }, 'x-api-key')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-admin-token', description: 'The operator ADMIN_TOKEN.' }, 'admin-token')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the JSON document at /docs-json. */
export function mountApiDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });
}
