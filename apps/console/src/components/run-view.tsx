import { useEffect, useMemo, useState } from 'preact/hooks';
import type { components, RunProgress, RunProgressCounts } from '@herald/client';
import { errorText } from '../session';
import { href } from '../router';
import { count, fromNow, when, waitingText } from '../format';
import { download, followRun, hasEnded } from '../live';
import { Empty, ErrorInfo, Problem, Status } from './feedback';
import { Funnel, type FunnelStep } from './funnel';
import { ProgressBar } from './progress';

/** A campaign run's results or a blast's (which has no `runs`). */
type Results = Omit<components['schemas']['ResultsDto'], 'runs'>;
type Recipient = components['schemas']['RecipientDto'];

/** What the page knows of a run or a blast (GET answers and stream snapshots both carry these fields). */
export interface RunFigures {
  status: string;
  progress: number;
  eta: string | null;
  waiting: { reason: string; until: string | null } | null;
  counts: RunProgressCounts;
  recipients: number | null;
  failureReason: string | null;
  startedAt: string | null;
  completedAt: string | null;
  runId: string;
  rate?: number | null;
  skippedByReason?: Record<string, number>;
}

/** The routes of one run (a campaign's or a blast's): the page calls only these, all through the public API. */
export interface RunSource {
  readonly label: string;
  /** A key that changes when the page shows another run. */
  readonly key: string;
  watch(signal: AbortSignal): AsyncIterable<RunProgress>;
  readonly csvName: string;
  load(): Promise<RunFigures>;
  results(): Promise<Results | undefined>;
  recipients(status: string | undefined, format: 'json' | 'csv'): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  act(action: 'pause' | 'resume' | 'cancel' | 'retry-failed'): Promise<{ error?: unknown; response: Response }>;
}

const RECIPIENT_STATUSES = ['queued', 'sending', 'accepted', 'held', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled', 'expired'];
const SHOWN_ROWS = 200;
const LATE_STATUS_MS = 5 * 60_000;
const LATE_STATUS_EVERY_MS = 3_000;

/** Failed recipients grouped by error code, most frequent first. */
function failureGroups(rows: readonly Recipient[]) {
  const groups = new Map<string, { code: string; title: string | null; details: string | null; n: number }>();
  for (const r of rows) {
    if (r.status !== 'failed' || !r.errorCode) continue;
    const g = groups.get(r.errorCode) ?? { code: r.errorCode, title: r.errorTitle, details: r.errorDetails, n: 0 };
    g.n++;
    groups.set(r.errorCode, g);
  }
  return [...groups.values()].sort((a, b) => b.n - a.n);
}

export function RunView(props: { source: RunSource; docsUrls: (runId: string) => Promise<Map<string, string>> }) {
  const { source } = props;
  const [run, setRun] = useState<RunFigures>();
  const [results, setResults] = useState<Results>();
  const [all, setAll] = useState<Recipient[]>();
  const [docs, setDocs] = useState(new Map<string, string>());
  const [filter, setFilter] = useState('');
  const [rows, setRows] = useState<Recipient[]>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [generation, setGeneration] = useState(0);
  const refreshResults = async () => setResults(await source.results());
  const loadRecipients = async () => {
    const { data, error: failed, response } = await source.recipients(undefined, 'json');
    if (!response.ok) return setError(errorText(failed, response));
    setAll(data as Recipient[]);
  };

  // Follow the run live until it ends, then read the final results and recipients once.
  useEffect(() => {
    let live = true;
    const settle = async () => {
      const final = await source.load();
      if (!live) return;
      setRun(final);
      const [results] = await Promise.all([source.results(), loadRecipients(), props.docsUrls(final.runId).then(setDocs)]);
      if (!live) return;
      setResults(results);
      await followLateStatuses(final, JSON.stringify(results));
    };
    // Delivered, read and failed statuses keep arriving by webhook after the last send: for a few minutes after the
    // end, read the results every few seconds and the recipients again whenever the results moved.
    const followLateStatuses = async (final: RunFigures, shown: string) => {
      const ended = final.completedAt ? new Date(final.completedAt).getTime() : Date.now();
      while (live && Date.now() - ended < LATE_STATUS_MS) {
        await new Promise((r) => setTimeout(r, LATE_STATUS_EVERY_MS));
        const now = await source.results();
        const key = JSON.stringify(now);
        if (!live) return;
        if (key === shown) continue;
        shown = key;
        setResults(now);
        await Promise.all([source.load().then((r) => live && setRun(r)), loadRecipients(), props.docsUrls(final.runId).then(setDocs)]);
      }
    };
    const stop = followRun({
      watch: (signal) => source.watch(signal),
      onUpdate: (p) => {
        const { results: figures, ...rest } = p;
        setRun((r) => (r ? { ...r, ...rest } : r));
        // The stream's results lack clicks: keep the clicks last read.
        setResults((before) => (before ? { ...before, ...figures } : undefined));
      },
      poll: async () => {
        const r = await source.load();
        if (live) setRun(r);
        void refreshResults();
        return r;
      },
      onEnd: () => void settle().catch((e: unknown) => setError(errorText(e))),
    });
    source
      .load()
      .then((r) => live && setRun((prev) => prev ?? r))
      .catch((e: unknown) => setError(errorText(e)));
    void refreshResults();
    return () => {
      live = false;
      stop();
    };
  }, [source.key, generation]);

  // The table shows the chosen status only; "all" reuses the rows the funnel and failure groups were built from.
  useEffect(() => {
    if (!filter) return setRows(all);
    let live = true;
    setRows(undefined);
    void source.recipients(filter, 'json').then(({ data, error: failed, response }) => {
      if (!live) return;
      if (response.ok) setRows(data as Recipient[]);
      else setError(errorText(failed, response));
    });
    return () => {
      live = false;
    };
  }, [filter, all]);

  const replied = useMemo(() => (all ?? []).filter((r) => r.action !== null).length, [all]);
  const groups = useMemo(() => failureGroups(all ?? []), [all]);

  if (error && !run) return <Problem>{error}</Problem>;
  if (!run) return <p class="muted">Loading…</p>;

  const act = async (action: 'pause' | 'resume' | 'cancel' | 'retry-failed') => {
    setConfirmCancel(false);
    setNotice(undefined);
    const { error: failed, response } = await source.act(action);
    if (!response.ok) return setError(errorText(failed, response));
    setError(undefined);
    setNotice({ pause: 'Paused: no new sends start.', resume: 'Resumed.', cancel: 'Cancelled: nothing more is sent.', 'retry-failed': 'Retrying the transient failures.' }[action]);
    setRun(await source.load());
    if (action === 'retry-failed' || action === 'resume') setGeneration((g) => g + 1);
  };
  const exportCsv = async () => {
    const { data, error: failed, response } = await source.recipients(filter || undefined, 'csv');
    if (!response.ok) return setError(errorText(failed, response));
    download(`${source.csvName}${filter ? `-${filter}` : ''}.csv`, String(data));
  };

  const steps: FunnelStep[] = [
    { key: 'queued', label: 'Queued', value: run.recipients ?? 0 },
    { key: 'sent', label: 'Sent', value: results?.sent ?? 0 },
    { key: 'delivered', label: 'Delivered', value: results?.delivered ?? 0 },
    { key: 'read', label: 'Read', value: results?.read ?? 0 },
    { key: 'replied', label: 'Replied', value: replied },
    { key: 'clicked', label: 'Clicked', value: results?.clicked ?? 0 },
  ];
  const ended = hasEnded(run.status);
  const skipped = Object.entries(run.skippedByReason ?? {}).filter(([, n]) => n > 0);
  const active = ['scheduled', 'waiting_for_template', 'running', 'paused'].includes(run.status);

  return (
    <>
      <div class="card" aria-labelledby="progress-title">
        <h2 id="progress-title">
          Progress <Status value={run.status} />
        </h2>
        <ProgressBar value={run.progress} label={`${source.label} progress`} />
        <dl class="facts">
          <div>
            <dt>Recipients</dt>
            <dd>{count(run.recipients)}</dd>
          </div>
          <div>
            <dt>{ended ? 'Finished' : 'ETA'}</dt>
            <dd>{ended ? when(run.completedAt) : run.eta ? `${fromNow(run.eta)} (${when(run.eta)})` : '—'}</dd>
          </div>
          {typeof run.rate === 'number' && (run.status === 'running' || ended) ? (
            <div>
              <dt>{ended ? 'Average rate' : 'Rate'}</dt>
              <dd>{count(Math.round(run.rate * 10) / 10)} / s</dd>
            </div>
          ) : null}
          <div>
            <dt>Started</dt>
            <dd>{when(run.startedAt)}</dd>
          </div>
        </dl>
        {run.waiting && !ended ? (
          <p class="waiting" role="status">
            Waiting: {waitingText(run.waiting.reason)}
            {run.waiting.until ? `, until ${when(run.waiting.until)}` : ''}.
          </p>
        ) : null}
        {run.failureReason ? <Problem>{run.failureReason}</Problem> : null}
        <div class="actions">
          {run.status === 'running' ? (
            <button type="button" class="secondary" onClick={() => void act('pause')}>
              Pause
            </button>
          ) : null}
          {run.status === 'paused' ? (
            <button type="button" onClick={() => void act('resume')}>
              Resume
            </button>
          ) : null}
          {active && !confirmCancel ? (
            <button type="button" class="danger" onClick={() => setConfirmCancel(true)}>
              Cancel…
            </button>
          ) : null}
          {confirmCancel ? (
            <span class="confirm" role="group" aria-label="Confirm cancelling">
              Nothing more will be sent.{' '}
              <button type="button" class="danger" onClick={() => void act('cancel')}>
                Yes, cancel the run
              </button>{' '}
              <button type="button" class="secondary" onClick={() => setConfirmCancel(false)}>
                Keep it
              </button>
            </span>
          ) : null}
          {ended && run.counts.failed > 0 ? (
            <button type="button" class="secondary" onClick={() => void act('retry-failed')}>
              Retry failed
            </button>
          ) : null}
        </div>
        {notice ? <p role="status">{notice}</p> : null}
        {error ? <Problem>{error}</Problem> : null}
      </div>

      <div class="split">
        <div class="card">
          <Funnel steps={steps} caption="Delivery funnel" />
          <p class="help">
            Counts per status now:{' '}
            {Object.entries(run.counts)
              .filter(([, n]) => n > 0)
              .map(([s, n]) => `${s} ${count(n)}`)
              .join(' · ') || 'none yet'}
          </p>
        </div>
        <div class="card">
          <h2>Failures by error</h2>
          {skipped.length > 0 ? (
            <p class="skipped">
              Not sent:{' '}
              {skipped.map(([reason, n]) => `${count(n)} ${reason.replace(/_/g, ' ')}`).join(' · ')}
            </p>
          ) : null}
          {groups.length === 0 ? (
            <Empty>{ended ? 'No failures.' : 'None so far.'}</Empty>
          ) : (
            <ul class="failures">
              {groups.map((g) => (
                <li key={g.code}>
                  <span class="failure-count">{count(g.n)}</span> <ErrorInfo error={{ code: g.code, title: g.title, docsUrl: docs.get(g.code) }} />{' '}
                  <a href={href('messages', { runId: run.runId, status: 'failed' })}>
                    see them<span class="visually-hidden"> (failed messages of this run)</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>

      <div class="card">
        <div class="page-head">
          <h2 id="recipients-title">Recipients</h2>
          <div class="filters">
            <label>
              Status
              <select value={filter} onChange={(e) => setFilter(e.currentTarget.value)} aria-controls="recipients-table">
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
        {rows === undefined ? (
          <p class="muted">{ended || filter ? 'Loading…' : 'The list appears when the run ends; export a CSV any time.'}</p>
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
                {rows.slice(0, SHOWN_ROWS).map((r) => (
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
                        <ErrorInfo error={{ code: r.errorCode, title: r.errorTitle, docsUrl: docs.get(r.errorCode) }} />
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
            {rows.length > SHOWN_ROWS ? (
              <p class="help">
                Showing {SHOWN_ROWS} of {count(rows.length)}; export the CSV for all.
              </p>
            ) : null}
          </div>
        )}
      </div>
    </>
  );
}
