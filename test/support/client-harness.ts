import type { AddressInfo } from 'node:net';
import { createHerald, HeraldError, type Herald } from '@herald/client';
import type { ApiHarness } from './api-harness';
import type { ApiPost } from './process-harness';

/** The in-process API listening on a free port of 127.0.0.1, and typed clients of it (@herald/client) by API key. */
export interface ClientHarness {
  readonly url: string;
  client(apiKey: string): Herald;
  /** Posts through a client's raw `api`, for the harness helpers that take a post function (addSimulatedChannel). */
  post(apiKey: string): ApiPost;
}

export async function listenForClients(api: ApiHarness): Promise<ClientHarness> {
  await api.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  const client = (apiKey: string) => createHerald({ baseUrl: url, apiKey });
  return {
    url,
    client,
    post: (apiKey) => async (path, body) => {
      // The helpers name their route at run time; the client's types check only literal paths.
      const { data, error, response } = await client(apiKey).api.POST(path as '/v1/channels', { body: body as never });
      return { status: response.status, body: data ?? error };
    },
  };
}

/** The HeraldError a client call rejects with; fails the spec when it resolves or rejects with something else. */
export async function heraldError(call: Promise<unknown>): Promise<HeraldError> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('value' in outcome) throw new Error(`expected a HeraldError, the call answered ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof HeraldError)) throw outcome.error;
  return outcome.error;
}
