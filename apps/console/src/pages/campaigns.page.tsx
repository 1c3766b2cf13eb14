import { useEffect, useState } from 'preact/hooks';
import type { components } from '@herald/client';
import { useApi, useSession } from '../use-api';
import { href } from '../router';
import { count, when } from '../format';
import { Empty, Loading, Status } from '../components/feedback';
import { Pager, useCursors, type Cursors } from '../components/pager';

type Campaign = components['schemas']['CampaignDto'];

const PAGE = 50;

/**
 * A campaign's state as the list can tell it: "active" while a run is scheduled, running or paused (the list's
 * `active=true` filter), else "sent" once anything went out, else "not sent". The list answers no run statuses; a
 * campaign's page shows each run's.
 */
export function campaignState(c: Campaign, activeIds: ReadonlySet<string>): string {
  if (activeIds.has(c.id)) return 'active';
  return c.totalSent > 0 ? 'sent' : 'not sent';
}

/**
 * The ids of the campaigns (or blasts) with a scheduled, running or paused run, every page of them: undefined until
 * all are read (a list shown before would call an active campaign past the first page "sent"). Should a read fail,
 * the list shows without the "active" label rather than not at all.
 */
export function useActiveIds(kind: 'campaign' | 'blast'): ReadonlySet<string> | undefined {
  const { herald } = useSession();
  const [ids, setIds] = useState<ReadonlySet<string>>();
  useEffect(() => {
    let live = true;
    const found = new Set<string>();
    void (async () => {
      let cursor: string | undefined;
      do {
        const { data } = await herald.api.GET('/v1/campaigns', {
          params: { query: { kind, active: true, limit: 100, ...(cursor ? { cursor } : {}) } as never },
        });
        if (!data) break;
        for (const c of data.data) found.add(c.id);
        cursor = data.nextCursor ?? undefined;
      } while (cursor && live);
    })()
      .catch(() => undefined)
      .finally(() => live && setIds(found));
    return () => {
      live = false;
    };
  }, [kind]);
  return ids;
}

/** A page of campaigns (or blasts), newest first, once the active ones are known; Newer and Older page through. */
export function useCampaignPage(kind: 'campaign' | 'blast', active: '' | 'true' | 'false') {
  const cursors = useCursors(`${kind}:${active}`);
  const cursor = cursors.cursor;
  const page = useApi(
    (h) =>
      h.api.GET('/v1/campaigns', {
        params: {
          query: { kind, limit: PAGE, ...(cursor ? { cursor } : {}), ...(active ? { active: active === 'true' } : {}) } as never,
        },
      }),
    [kind, active, cursor],
  );
  const activeIds = useActiveIds(kind);
  // With the "active" filter the list itself says which are active; otherwise wait for the lookup.
  const known = active === 'true' ? new Set((page.data?.data ?? []).map((c) => c.id)) : active === 'false' ? new Set<string>() : activeIds;
  const state = {
    ...page,
    data: page.data && known ? { ...page.data, activeIds: known } : undefined,
    loading: page.loading || !known,
  };
  return { state, cursors };
}

export function CampaignsPage() {
  const [active, setActive] = useState<'' | 'true' | 'false'>('');
  const { state, cursors } = useCampaignPage('campaign', active);
  return (
    <section aria-labelledby="campaigns-title">
      <div class="page-head">
        <h1 id="campaigns-title">Campaigns</h1>
        <a class="button" href={href('campaigns', 'new')}>
          New campaign
        </a>
      </div>
      <div class="filters">
        <label>
          Show
          <select value={active} onChange={(e) => setActive(e.currentTarget.value as typeof active)}>
            <option value="">all campaigns</option>
            <option value="true">with a scheduled, running or paused run</option>
            <option value="false">without an active run</option>
          </select>
        </label>
      </div>
      <Loading state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>{active ? 'No campaigns match.' : 'No campaigns yet. Create one to send a WhatsApp template to an audience.'}</Empty>
          ) : (
            <CampaignTable kind="campaign" page={page} cursors={cursors} />
          )
        }
      </Loading>
    </section>
  );
}

/** The list of campaigns or blasts (one page, with Newer / Older): what each is, its state and its totals. */
export function CampaignTable(props: {
  kind: 'campaign' | 'blast';
  page: { data: Campaign[]; nextCursor?: string | null; activeIds: ReadonlySet<string> };
  cursors: Cursors;
}) {
  const { page, kind } = props;
  return (
    <>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{kind === 'blast' ? 'Blast' : 'Campaign'}</th>
              <th scope="col">Status</th>
              <th scope="col">Template</th>
              <th scope="col" class="num">
                Sent
              </th>
              <th scope="col" class="num">
                Delivered
              </th>
              <th scope="col" class="num">
                Read
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {page.data.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <a href={href(kind === 'blast' ? 'blasts' : 'campaigns', c.id)}>{c.title}</a>
                </th>
                <td>
                  <Status value={campaignState(c, page.activeIds)} />
                </td>
                {/* A blast sends an approved template: its name says enough. */}
                <td>
                  {kind === 'campaign' ? (
                    <>
                      <Status value={c.templateStatus} /> <span class="muted">{c.templateName}</span>
                    </>
                  ) : (
                    c.templateName
                  )}
                </td>
                <td class="num">{count(c.totalSent)}</td>
                <td class="num">{count(c.totalDelivered)}</td>
                <td class="num">{count(c.totalRead)}</td>
                <td>{when(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager cursors={props.cursors} nextCursor={page.nextCursor} />
    </>
  );
}
