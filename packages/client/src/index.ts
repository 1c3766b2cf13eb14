import createClient from 'openapi-fetch';
import { Audiences } from './audiences';
import { Blasts } from './blasts';
import { Campaigns } from './campaigns';
import { Channels } from './channels';
import { Contacts } from './contacts';
import { Imports } from './imports';
import { Messages } from './messages';
import type { paths } from './schema';
import type { HeraldApi } from './types';

export type { paths, components, operations } from './schema';
export * from './types';
export { HeraldError, type ErrorDetail } from './errors';
export { paginate, take, type Page } from './paging';
export type { CsvDownload, CsvInput } from './csv';
export type { WaitOptions } from './imports';
export * from './events';
export { Audiences, Blasts, Campaigns, Channels, Contacts, Imports, Messages };

export interface HeraldOptions {
  /** Where the API listens, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** A workspace API key (`hrld_…`); sent as `Authorization: Bearer <key>`. */
  readonly apiKey: string;
  /** A fetch of your own (tests, proxies); the global fetch otherwise. */
  readonly fetch?: typeof fetch;
}

/**
 * The typed client: `api` is every route of the OpenAPI document, typed by openapi-fetch (it answers
 * `{ data, error, response }` and never throws for an HTTP error); the resources are helpers over it that answer the
 * data and throw a HeraldError instead.
 */
export interface Herald {
  readonly api: HeraldApi;
  readonly audiences: Audiences;
  readonly blasts: Blasts;
  readonly campaigns: Campaigns;
  readonly channels: Channels;
  readonly contacts: Contacts;
  readonly imports: Imports;
  readonly messages: Messages;
}

export function createHerald(options: HeraldOptions): Herald {
  const api: HeraldApi = createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // The event streams are read with fetch directly (openapi-fetch would wait for the whole body).
  const events = { baseUrl: options.baseUrl, apiKey: options.apiKey, ...(options.fetch ? { fetch: options.fetch } : {}) };
  return {
    api,
    audiences: new Audiences(api),
    blasts: new Blasts(api, events),
    campaigns: new Campaigns(api, events),
    channels: new Channels(api),
    contacts: new Contacts(api),
    imports: new Imports(api),
    messages: new Messages(api),
  };
}
