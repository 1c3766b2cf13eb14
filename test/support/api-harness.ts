import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../../apps/api/src/api.bootstrap';
import { testApiConfig } from './test-env';

export interface ApiHarness {
  readonly app: NestExpressApplication;
  readonly http: ReturnType<typeof request>;
  readonly adminToken: string;
  /** Creates a workspace through the API and returns its id and key. */
  createWorkspace(name?: string): Promise<{ id: string; apiKey: string }>;
  /** Requests made with a workspace's API key. */
  as(apiKey: string): {
    get(path: string): request.Test;
    post(path: string, body: unknown): request.Test;
    patch(path: string, body: unknown): request.Test;
  };
  close(): Promise<void>;
}

/** The real API app, in process, on this run's database and Redis prefix. */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const config = testApiConfig(overrides);
  const app = await createApiApp(config);
  await app.init();
  const http = request(app.getHttpServer());
  return {
    app,
    http,
    adminToken: config.adminToken,
    async createWorkspace(name = 'Test workspace') {
      const res = await http.post('/v1/workspaces').set('x-admin-token', config.adminToken).send({ name });
      if (res.status !== 201) throw new Error(`workspace creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id as string, apiKey: res.body.apiKey as string };
    },
    as(apiKey: string) {
      return {
        get: (path: string) => http.get(path).set('x-api-key', apiKey),
        post: (path: string, body: unknown) => http.post(path).set('x-api-key', apiKey).send(body as object),
        patch: (path: string, body: unknown) => http.patch(path).set('x-api-key', apiKey).send(body as object),
      };
    },
    close: () => app.close(),
  };
}
