import { useEffect, useState } from 'preact/hooks';
import type { components } from '@herald/client';
import { errorText } from '../session';
import { count, when } from '../format';
import { download } from '../live';
import { readPage } from '../json-array';
import { Empty, ErrorInfo, Problem, Status } from './feedback';
import type { RunSource } from './run-view';

type Recipient = components['schemas']['RecipientDto'];

const RECIPIENT_STATUSES = ['queued', 'sending', 'accepted', 'held', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'expired'];
// A page is what the table reads at a time; past MOST rows the CSV export is the way to see them all.
const PAGE = 50;
const MOST = 1_000;

/**
 * A run's recipients, one status or all, a page at a time: only the rows shown are downloaded (the export stream is
 * cancelled after them). `version` changes when the run's results move; the first page then re-reads itself, so its
 * statuses follow the receipts, while a longer list the user asked for stays as read.
 */
export function RecipientsTable(props: { source: RunSource; docs: ReadonlyMap<string, string>; ended: boolean; version: number }) {
  const { source } = props;
  const [filter, setFilter] = useState('');
  const [wanted, setWanted] = useState(PAGE);
  const [rows, setRows] = useState<Recipient[]>();
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string>();
  const shown = props.ended || filter !== '';
  const refresh = wanted <= PAGE ? props.version : -1;

  useEffect(() => {
    if (!shown) return;
    const abort = new AbortController();
    void (async () => {
      const { data, error: failed, response } = await source.recipientRows(filter || undefined, abort.signal);
      if (!data) return setError(errorText(failed, response));
      const page = await readPage<Recipient>(data, 0, wanted);
      if (abort.signal.aborted) return;
      setRows(page.items);
      setMore(page.more);
      setError(undefined);
    })().catch((e: unknown) => abort.signal.aborted || setError(errorText(e)));
    return () => abort.abort();
  }, [source.key, filter, wanted, shown, refresh]);

  const choose = (status: string) => {
    setFilter(status);
    setWanted(PAGE);
    setRows(undefined);
  };
  const exportCsv = async () => {
    const { data, error: failed, response } = await source.recipientsCsv(filter || undefined);
    if (!data) return setError(errorText(failed, response));
    download(`${source.csvName}${filter ? `-${filter}` : ''}.csv`, data);
  };

  return (
    <div class="card">
      <div class="page-head">
        <h2 id="recipients-title">Recipients</h2>
        <div class="filters">
          <label>
            Status
            <select value={filter} onChange={(e) => choose(e.currentTarget.value)} aria-controls="recipients-list">
              <option value="">all</option>
              {RECIPIENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="secondary" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </div>
      <div id="recipients-list">
        {error ? <Problem>{error}</Problem> : null}
        {rows === undefined ? (
          <p class="muted">{shown ? 'Loading…' : 'The list appears when the run ends; export a CSV any time.'}</p>
        ) : rows.length === 0 ? (
          <Empty>No recipients {filter ? `with status ${filter}` : ''}.</Empty>
        ) : (
          <div class="table-wrap">
            <table id="recipients-table" aria-labelledby="recipients-title">
              <thead>
                <tr>
                  <th scope="col">Number</th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Error</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.number}>
                    <td>{r.number}</td>
                    <td>{r.name ?? ''}</td>
                    <td>
                      <Status value={r.status} />
                    </td>
                    <td>
                      {r.status === 'skipped' && r.errorCode ? (
                        <span class="muted">{r.errorCode.replace(/_/g, ' ')}</span>
                      ) : r.errorCode ? (
                        <ErrorInfo error={{ code: r.errorCode, title: r.errorTitle, docsUrl: props.docs.get(r.errorCode) }} />
                      ) : (
                        ''
                      )}
                    </td>
                    <td>{when(r.sentAt)}</td>
                    <td>{r.action ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="actions">
              {more && rows.length < MOST ? (
                <button type="button" class="secondary" onClick={() => setWanted(rows.length + PAGE)}>
                  Show {PAGE} more
                </button>
              ) : null}
              {more ? <p class="help">Showing the first {count(rows.length)}; export the CSV for all.</p> : null}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
