import { useMemo, useState } from 'preact/hooks';
import { errorText } from '../session';
import { go, href } from '../router';
import { useApi, useSession } from '../use-api';
import { count, percent, when } from '../format';
import { Empty, Loading, Problem, Status } from '../components/feedback';
import { WhatsAppBubble } from '../components/whatsapp-bubble';
import { newRequestId } from '../request-id';

/** Start a run for some audiences, now or at a time. */
function StartRun(props: { campaignId: string; disabled: boolean }) {
  const { herald } = useSession();
  const audiences = useApi((h) => h.api.GET('/v1/audiences'), []);
  const [chosen, setChosen] = useState<string[]>([]);
  const [at, setAt] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const toggle = (id: string, on: boolean) => setChosen(on ? [...chosen, id] : chosen.filter((a) => a !== id));
  // One key per choice of audiences and time: sent again (a retry after a network failure, a second click), the
  // start answers the run it made instead of starting another (requestId).
  const requestId = useMemo(newRequestId, [chosen, at]);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (chosen.length === 0) return setError('Choose at least one audience.');
    setBusy(true);
    setError(undefined);
    try {
      const body = { audiences: chosen, requestId, ...(at ? { timeToRun: new Date(at).toISOString() } : {}) };
      const { data, error: failed, response } = await herald.api.POST('/v1/campaigns/{id}/runs', {
        params: { path: { id: props.campaignId } },
        body: body as never,
      });
      if (data) return go(href('campaigns', props.campaignId, 'runs', data.runId));
      setError(errorText(failed, response));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="stack card" onSubmit={(e) => void submit(e)} aria-labelledby="start-run-title">
      <h2 id="start-run-title">Start a run</h2>
      <Loading state={audiences}>
        {(list) =>
          list.length === 0 ? (
            <Empty>
              No audiences yet: <a href={href('audiences')}>import one</a>.
            </Empty>
          ) : (
            <fieldset>
              <legend>Audiences</legend>
              {list.map((a) => (
                <label class="check" key={a.id}>
                  <input type="checkbox" name="audience" value={a.id} checked={chosen.includes(a.id)} onChange={(e) => toggle(a.id, e.currentTarget.checked)} />
                  {a.name} <span class="muted">({count(a.size)} contacts)</span>
                </label>
              ))}
            </fieldset>
          )
        }
      </Loading>
      <label for="run-at">Send at (leave empty for now)</label>
      <input id="run-at" type="datetime-local" value={at} onInput={(e) => setAt(e.currentTarget.value)} />
      {error ? <Problem>{error}</Problem> : null}
      <button type="submit" disabled={busy || props.disabled}>
        {busy ? 'Starting…' : at ? 'Schedule run' : 'Start run'}
      </button>
      {props.disabled ? <p class="help">Meta rejected the template: edit the message in a new campaign.</p> : null}
    </form>
  );
}

export function CampaignPage(props: { id: string }) {
  const campaign = useApi((h) => h.api.GET('/v1/campaigns/{id}', { params: { path: { id: props.id } } }), [props.id]);
  const results = useApi((h) => h.api.GET('/v1/campaigns/{id}/results', { params: { path: { id: props.id } } }), [props.id]);
  return (
    <Loading state={campaign}>
      {(c) => (
        <section aria-labelledby="campaign-title">
          <p class="crumbs">
            <a href={href('campaigns')}>Campaigns</a> /
          </p>
          <div class="page-head">
            <h1 id="campaign-title">{c.title}</h1>
            <button type="button" class="secondary" onClick={() => (campaign.reload(), results.reload())}>
              Refresh
            </button>
          </div>
          <dl class="facts">
            <div>
              <dt>Template</dt>
              <dd>
                <Status value={c.templateStatus} /> {c.templateName} ({c.languageCode}, {c.templateType.toLowerCase()})
                {c.templateReason ? <span class="muted"> — {c.templateReason}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Sent / delivered / read</dt>
              <dd>
                {count(c.totalSent)} / {count(c.totalDelivered)} / {count(c.totalRead)}
              </dd>
            </div>
            {results.data ? (
              <div>
                <dt>Delivery rate / read rate / clicks</dt>
                <dd>
                  {percent(results.data.deliveryRate)} / {percent(results.data.readRate)} / {count(results.data.clicked)}
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Created</dt>
              <dd>{when(c.createdAt)}</dd>
            </div>
          </dl>
          <div class="split">
            <div>
              <h2>Runs</h2>
              {(c.runs ?? []).length === 0 ? (
                <Empty>No runs yet.</Empty>
              ) : (
                <div class="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Run</th>
                        <th scope="col">Status</th>
                        <th scope="col">Audiences</th>
                        <th scope="col" class="num">Recipients</th>
                        <th scope="col" class="num">Progress</th>
                      </tr>
                    </thead>
                    <tbody>
                      {(c.runs ?? []).map((r) => (
                        <tr key={r.runId}>
                          <th scope="row">
                            <a href={href('campaigns', c.id, 'runs', r.runId)}>{when(r.timeToRun)}</a>
                          </th>
                          <td>
                            <Status value={r.status} />
                          </td>
                          <td>{r.audiences.join(', ')}</td>
                          <td class="num">{count(r.recipients)}</td>
                          <td class="num">{percent(r.progress)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <StartRun campaignId={c.id} disabled={c.templateStatus === 'REJECTED'} />
            </div>
            <div class="preview">
              <h2>Message</h2>
              <WhatsAppBubble
                message={c.message}
                imgUrl={c.imgUrl ?? undefined}
                buttons={(c.buttons as unknown[]).map((b) => (typeof b === 'string' ? b : String((b as { text?: string }).text ?? '')))}
                business="Preview"
              />
            </div>
          </div>
        </section>
      )}
    </Loading>
  );
}
