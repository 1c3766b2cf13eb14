import { useState } from 'preact/hooks';
import type { components } from '@herald/client';
import { useApi } from '../use-api';
import { href } from '../router';
import { count, when } from '../format';
import { Empty, Loading, Status } from '../components/feedback';

type Campaign = components['schemas']['CampaignDto'];

/**
 * A campaign's state as the list can tell it: "active" while a run is scheduled, running or paused (the list's
 * `active=true` filter), else "sent" once anything went out, else "not sent". The list answers no run statuses; a
 * campaign's page shows each run's.
 */
export function campaignState(c: Campaign, activeIds: ReadonlySet<string>): string {
  if (activeIds.has(c.id)) return 'active';
  return c.totalSent > 0 ? 'sent' : 'not sent';
}

/** The ids of the campaigns (or blasts) with a scheduled, running or paused run. */
export function useActiveIds(kind: 'campaign' | 'blast'): ReadonlySet<string> {
  const active = useApi((h) => h.api.GET('/v1/campaigns', { params: { query: { kind, active: true, limit: 100 } as never } }), [kind]);
  return new Set((active.data?.data ?? []).map((c) => c.id));
}

export function CampaignsPage() {
  const [active, setActive] = useState<'' | 'true' | 'false'>('');
  const state = useApi(
    (h) => h.api.GET('/v1/campaigns', { params: { query: { limit: 100, ...(active ? { active: active === 'true' } : {}) } as never } }),
    [active],
  );
  const activeIds = useActiveIds('campaign');
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
            <Empty>No campaigns yet. Create one to send a WhatsApp template to an audience.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Campaign</th>
                    <th scope="col">Status</th>
                    <th scope="col">Template</th>
                    <th scope="col" class="num">Sent</th>
                    <th scope="col" class="num">Delivered</th>
                    <th scope="col" class="num">Read</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        <a href={href('campaigns', c.id)}>{c.title}</a>
                      </th>
                      <td>
                        <Status value={campaignState(c, activeIds)} />
                      </td>
                      <td>
                        <Status value={c.templateStatus} /> <span class="muted">{c.templateName}</span>
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
          )
        }
      </Loading>
    </section>
  );
}
