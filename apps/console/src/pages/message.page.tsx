import { href } from '../router';
import { useApi } from '../use-api';
import { when, waitingText } from '../format';
import { ErrorInfo, Loading, Status } from '../components/feedback';

/** One send: its timeline of statuses, the error with its documentation, what it carried and what came back. */
export function MessagePage(props: { id: string }) {
  const state = useApi((h) => h.api.GET('/v1/messages/{id}', { params: { path: { id: props.id } } }), [props.id]);
  return (
    <section aria-labelledby="message-title">
      <p class="crumbs">
        <a href={href('messages')}>Messages</a> /
      </p>
      <Loading state={state}>
        {(m) => (
          <>
            <h1 id="message-title">
              Message to {m.to} <Status value={m.status} />
            </h1>
            <dl class="facts">
              <div>
                <dt>Template</dt>
                <dd>{m.template ?? m.type}</dd>
              </div>
              <div>
                <dt>Category</dt>
                <dd>{m.category ?? '—'}</dd>
              </div>
              <div>
                <dt>Provider id</dt>
                <dd class="mono">{m.providerMessageId ?? '—'}</dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd>{m.attempts}</dd>
              </div>
              {m.campaignId ? (
                <div>
                  <dt>Campaign</dt>
                  <dd>{m.runId ? <a href={href('campaigns', m.campaignId, 'runs', m.runId)}>the run</a> : <a href={href('campaigns', m.campaignId)}>campaign</a>}</dd>
                </div>
              ) : null}
              <div>
                <dt>Tags</dt>
                <dd>{m.tags.join(', ') || '—'}</dd>
              </div>
            </dl>
            {m.error ? (
              <div class="card">
                <h2>Error</h2>
                <p>
                  <ErrorInfo error={m.error} />
                </p>
              </div>
            ) : null}
            {m.waiting ? (
              <p class="waiting" role="status">
                Waiting: {waitingText(m.waiting.reason)}
                {m.waiting.until ? `, until ${when(m.waiting.until)}` : ''}.
              </p>
            ) : null}
            <div class="card">
              <h2>Timeline</h2>
              <ol class="timeline">
                {m.statuses.map((s, i) => (
                  <li key={i}>
                    <Status value={s.status} /> <time dateTime={s.at}>{when(s.at)}</time>
                  </li>
                ))}
                {(m.replies ?? []).map((r) => (
                  <li key={r.id}>
                    <span class="badge badge-reply">reply</span> <time dateTime={r.receivedAt}>{when(r.receivedAt)}</time> “{r.text ?? r.payload ?? r.type}”
                  </li>
                ))}
              </ol>
            </div>
            <details class="card">
              <summary>What was sent</summary>
              <pre>{JSON.stringify(m.content, null, 2)}</pre>
            </details>
          </>
        )}
      </Loading>
    </section>
  );
}
