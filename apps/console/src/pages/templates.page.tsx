import { useState } from 'preact/hooks';
import { useAction, useApi, useSession } from '../use-api';
import { when } from '../format';
import { Empty, Loading, Problem, Status } from '../components/feedback';

/** The body text of a template as the provider reports its components. */
function bodyText(components: readonly unknown[]): string {
  const body = components.find((c) => (c as { type?: string }).type === 'BODY') as { text?: string } | undefined;
  return body?.text ?? '';
}

export function TemplatesPage() {
  const { herald } = useSession();
  const [status, setStatus] = useState('');
  const state = useApi((h) => h.api.GET('/v1/templates', { params: { query: { limit: 200, ...(status ? { status } : {}) } } }), [status]);
  const { notice, act, say } = useAction(state);
  const sync = async () => {
    say('Reading templates from the provider…');
    await act(herald.api.POST('/v1/templates/sync', { body: {} as never }), 'Templates are in step with the provider.');
  };
  return (
    <section aria-labelledby="templates-title">
      <div class="page-head">
        <h1 id="templates-title">Templates</h1>
        <button type="button" class="secondary" onClick={() => void sync()}>
          Sync from provider
        </button>
      </div>
      <div class="filters">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">any</option>
            {['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED'].map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
      </div>
      {notice ? <p role="status">{notice}</p> : null}
      <Loading state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No templates. Creating a campaign registers one; “Sync from provider” reads those the business already has.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Language</th>
                    <th scope="col">Category</th>
                    <th scope="col">Status</th>
                    <th scope="col">Quality</th>
                    <th scope="col">Body</th>
                    <th scope="col">Synced</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.map((t) => (
                    <tr key={t.id}>
                      <th scope="row" class="mono">
                        {t.name}
                      </th>
                      <td>{t.language}</td>
                      <td>{t.category}</td>
                      <td>
                        <Status value={t.status} />
                        {t.reason ? <span class="muted"> {t.reason}</span> : null}
                      </td>
                      <td>{t.qualityScore ?? '—'}</td>
                      <td class="clip">{bodyText(t.components as unknown[])}</td>
                      <td>{when(t.syncedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
      {state.error ? <Problem>{state.error}</Problem> : null}
    </section>
  );
}
