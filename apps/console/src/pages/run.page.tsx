import { useMemo } from 'preact/hooks';
import { href } from '../router';
import { useApi, useSession } from '../use-api';
import { errorText } from '../session';
import { docsUrlsOfRun } from '../docs-urls';
import { RunView, type RunFigures, type RunSource } from '../components/run-view';

export function RunPage(props: { campaignId: string; runId: string }) {
  const { herald } = useSession();
  const campaign = useApi((h) => h.api.GET('/v1/campaigns/{id}', { params: { path: { id: props.campaignId } } }), [props.campaignId]);
  const source = useMemo<RunSource>(() => {
    const id = props.campaignId;
    const runId = props.runId;
    return {
      label: 'Run',
      key: `run:${runId}`,
      watch: (signal) => herald.campaigns.watch(id, runId, { signal }),
      csvName: `run-${runId}`,
      async load() {
        const { data, error, response } = await herald.api.GET('/v1/campaigns/{id}/runs/{runId}', {
          params: { path: { id, runId } },
        });
        if (!data) throw new Error(errorText(error, response));
        return data as RunFigures;
      },
      async results() {
        return (await herald.api.GET('/v1/campaigns/{id}/results', { params: { path: { id }, query: { runId } } })).data;
      },
      recipientRows: (status, signal) =>
        herald.api.GET('/v1/campaigns/{id}/recipients', {
          params: { path: { id }, query: { runId, format: 'json', ...(status ? { status } : {}) } as never },
          parseAs: 'stream',
          signal,
        }),
      recipientsCsv: (status) =>
        herald.api.GET('/v1/campaigns/{id}/recipients', {
          params: { path: { id }, query: { runId, format: 'csv', ...(status ? { status } : {}) } as never },
          parseAs: 'blob',
        }),
      act: (action) => herald.api.POST(`/v1/campaigns/{id}/runs/{runId}/${action}`, { params: { path: { id, runId } } }),
    };
  }, [props.campaignId, props.runId]);
  return (
    <section aria-labelledby="run-title">
      <p class="crumbs">
        <a href={href('campaigns')}>Campaigns</a> / <a href={href('campaigns', props.campaignId)}>{campaign.data?.title ?? 'Campaign'}</a> /
      </p>
      <h1 id="run-title">Run of {campaign.data?.title ?? 'the campaign'}</h1>
      <RunView source={source} docsUrls={(runId) => docsUrlsOfRun(herald, runId)} />
    </section>
  );
}
