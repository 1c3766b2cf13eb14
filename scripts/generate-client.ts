/**
 * Regenerates the typed client's schema (packages/client/src/schema.ts) and the OpenAPI document it is made from
 * (packages/client/openapi.json) from the API's own controllers.
 *
 *   npm run client:generate      # reads the configuration `npm run start:api` does (.env or the environment:
 *                                # DATABASE_URL, REDIS_URL, SECRETS_KEY, ADMIN_TOKEN, BULL_BOARD_USER/PASSWORD)
 *
 * test/client.e2e-spec.ts fails when the committed files differ from what this produces.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadApiConfig } from '@herald/config';
import { createApiApp } from '../apps/api/src/api.bootstrap';
import { buildOpenApiDocument } from '../apps/api/src/docs/openapi.util';
import { CLIENT_FILES, renderClientFiles } from './client-schema.util';

async function main(): Promise<void> {
  const app = await createApiApp(loadApiConfig({ LOG_LEVEL: 'error', ...process.env }));
  try {
    await app.init();
    const document = buildOpenApiDocument(app);
    const root = join(__dirname, '..', '..', 'packages', 'client');
    const files = await renderClientFiles(document);
    for (const key of Object.keys(CLIENT_FILES) as Array<keyof typeof CLIENT_FILES>) writeFileSync(join(root, CLIENT_FILES[key]), files[key]);
    console.log(`Wrote packages/client/openapi.json and packages/client/src/schema.ts (${Object.keys(document.paths).length} paths).`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
