import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { paths, components, operations } from './schema';

export interface HeraldOptions {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A workspace API key (`hrld_…`); sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** A fetch of your own (tests, proxies); the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/** The typed client: `api` is every route of the OpenAPI document, typed by openapi-fetch. */
export interface Herald {
  readonly api: Client<paths>;
}

export function createHerald(options: HeraldOptions): Herald {
  const api = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { api };
}
