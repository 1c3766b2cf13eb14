import { useMemo } from 'preact/hooks';
import { href } from '../router';
import { useApi, useSession } from '../use-api';
import { errorText } from '../session';
import { docsUrlsOfRun } from '../docs-urls';
import { Empty, Loading } from '../components/feedback';
import { RunView, type RunFigures, type RunSource } from '../components/run-view';
import { CampaignTable, useCampaignPage } from './campaigns.page';

/** Blasts: an approved template to every contact matching a search, each with the same live view as a run. */
export function BlastsPage() {
  const { state, cursors } = useCampaignPage('blast', '');
  return (
    <section aria-labelledby="blasts-title">
      <h1 id="blasts-title">Blasts</h1>
      <p class="help">
        Blasts are created through the API (<code>POST /v1/blasts</code>): a template sent to every contact matching a search.
      </p>
      <Loading state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No blasts yet.</Empty>
          ) : (
            <CampaignTable kind="blast" page={page} cursors={cursors} />
          )
        }
      </Loading>
    </section>
  );
}

export function BlastPage(props: { id: string }) {
  const { herald } = useSession();
  const blast = useApi((h) => h.api.GET('/v1/blasts/{id}', { params: { path: { id: props.id } } }), [props.id]);
  const source = useMemo<RunSource>(() => {
    const id = props.id;
    const load = async () => {
      const { data, error, response } = await herald.api.GET('/v1/blasts/{id}', { params: { path: { id } } });
      if (!data) throw new Error(errorText(error, response));
      return data;
    };
    return {
      label: 'Blast',
      key: `blast:${id}`,
      watch: (signal) => herald.blasts.watch(id, { signal }),
      csvName: `blast-${id}`,
      load: async () => (await load()) as unknown as RunFigures,
      results: async () => (await load()).results,
      recipientRows: (status, signal) =>
        herald.api.GET('/v1/blasts/{id}/recipients', {
          params: { path: { id }, query: { format: 'json', ...(status ? { status } : {}) } as never },
          parseAs: 'stream',
          signal,
        }),
      recipientsCsv: (status) =>
        herald.api.GET('/v1/blasts/{id}/recipients', {
          params: { path: { id }, query: { format: 'csv', ...(status ? { status } : {}) } as never },
          parseAs: 'blob',
        }),
      act: (action) => herald.api.POST(`/v1/blasts/{id}/${action}`, { params: { path: { id } } }),
    };
  }, [props.id]);
  return (
    <section aria-labelledby="blast-title">
      <p class="crumbs">
        <a href={href('blasts')}>Blasts</a> /
      </p>
      <h1 id="blast-title">{blast.data?.title ?? 'Blast'}</h1>
      <RunView source={source} docsUrls={(runId) => docsUrlsOfRun(herald, runId)} />
    </section>
  );
}
