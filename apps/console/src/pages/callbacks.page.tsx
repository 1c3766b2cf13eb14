import { go, href } from '../router';
import { useAction, useApi, useSession } from '../use-api';
import { when } from '../format';
import { Empty, Loading, Problem, Status } from '../components/feedback';

/** Callback endpoints: where Herald posts events, whether each is enabled, and why one was disabled. */
export function CallbacksPage() {
  const state = useApi((h) => h.api.GET('/v1/webhook-endpoints'), []);
  return (
    <section aria-labelledby="callbacks-title">
      <h1 id="callbacks-title">Callback endpoints</h1>
      <Loading state={state}>
        {(list) =>
          list.data.length === 0 ? (
            <Empty>No callback endpoints. Create one with POST /v1/webhook-endpoints (docs/CALLBACKS.md).</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">Format</th>
                    <th scope="col">State</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.map((w) => (
                    <tr key={w.id}>
                      <th scope="row">
                        <a href={href('callbacks', w.id)}>{w.url}</a>
                        {w.description ? <div class="muted">{w.description}</div> : null}
                      </th>
                      <td>{w.events.join(', ')}</td>
                      <td>
                        {w.format}
                        {w.batchSize > 1 ? <div class="muted">up to {w.batchSize} events per POST</div> : null}
                      </td>
                      <td>
                        <Status value={w.enabled ? 'enabled' : 'disabled'} />
                        {w.disabledReason ? <span class="muted"> {w.disabledReason}</span> : null}
                        {w.failingSince ? <span class="muted"> failing since {when(w.failingSince)}</span> : null}
                      </td>
                      <td>{when(w.createdAt)}</td>
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

/** One endpoint's delivery log, filtered by status, with a test ping and redelivery of one delivery. */
export function CallbackDeliveriesPage(props: { id: string; query: URLSearchParams }) {
  const { herald } = useSession();
  const status = props.query.get('status') ?? '';
  const endpoint = useApi((h) => h.api.GET('/v1/webhook-endpoints/{id}', { params: { path: { id: props.id } } }), [props.id]);
  const log = useApi(
    (h) => h.api.GET('/v1/webhook-endpoints/{id}/deliveries', { params: { path: { id: props.id }, query: { limit: 100, ...(status ? { status } : {}) } as never } }),
    [props.id, status],
  );
  const { notice, act: run } = useAction(log);
  return (
    <section aria-labelledby="deliveries-title">
      <p class="crumbs">
        <a href={href('callbacks')}>Callback endpoints</a> /
      </p>
      <div class="page-head">
        <h1 id="deliveries-title">Deliveries to {endpoint.data?.url ?? 'the endpoint'}</h1>
        <button
          type="button"
          class="secondary"
          onClick={() => void run(herald.api.POST('/v1/webhook-endpoints/{id}/test', { params: { path: { id: props.id } } }), 'A ping event is on its way.')}
        >
          Send a test ping
        </button>
      </div>
      <div class="filters">
        <label>
          Status
          <select value={status} onChange={(e) => go(href('callbacks', props.id, { status: e.currentTarget.value }))}>
            <option value="">any</option>
            {['pending', 'delivered', 'failed', 'skipped'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {notice ? <p role="status">{notice}</p> : null}
      {endpoint.error ? <Problem>{endpoint.error}</Problem> : null}
      <Loading state={log}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No deliveries{status ? ` with status ${status}` : ''} yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col" class="num">Attempts</th>
                    <th scope="col">Last answer</th>
                    <th scope="col">Next attempt</th>
                    <th scope="col">Created</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((d) => (
                    <tr key={d.id}>
                      <td>{d.eventType}</td>
                      <td>
                        <Status value={d.status} />
                      </td>
                      <td class="num">{d.attempts}</td>
                      <td>
                        {d.lastStatusCode ?? '—'}
                        {d.lastLatencyMs !== null && d.lastLatencyMs !== undefined ? ` in ${d.lastLatencyMs} ms` : ''}
                        {d.lastError ? <div class="muted">{d.lastError}</div> : null}
                      </td>
                      <td>{when(d.nextAttemptAt)}</td>
                      <td>{when(d.createdAt)}</td>
                      <td>
                        <button
                          type="button"
                          class="link-button"
                          onClick={() =>
                            void run(
                              herald.api.POST('/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id: props.id, deliveryId: d.id } } }),
                              'Delivering again.',
                            )
                          }
                        >
                          Redeliver<span class="visually-hidden"> {d.eventType}</span>
                        </button>
                      </td>
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
