import { loadApiConfig, loadOrExit } from '@herald/config';
import { createApiApp } from './api.bootstrap';

async function main(): Promise<void> {
  const config = loadOrExit(() => loadApiConfig(), 'herald-api');
  const app = await createApiApp(config);
  await app.listen(config.port);
}

void main();
