import type { Herald } from '@herald/client';

/**
 * The provider documentation link of each error code among a run's failed sends, read from the messages view (its
 * errors carry `docsUrl`); recipients rows carry only the code and title.
 */
export async function docsUrlsOfRun(herald: Herald, runId: string): Promise<Map<string, string>> {
  const { data } = await herald.api.GET('/v1/messages', { params: { query: { runId, status: 'failed', limit: 100 } as never } });
  const urls = new Map<string, string>();
  for (const m of data?.data ?? []) if (m.error?.docsUrl) urls.set(m.error.code, m.error.docsUrl);
  return urls;
}
