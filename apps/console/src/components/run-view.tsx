import { useEffect, useState } from 'preact/hooks';
import type { components, RunProgress, RunProgressCounts } from '@herald/client';
import { errorText } from '../session';
import { href } from '../router';
import { count, fromNow, when, waitingText } from '../format';
import { followRun, hasEnded } from '../live';
import { groupFailures, type Failures } from '../failures';
import type { Answer } from '../use-api';
import { Empty, ErrorInfo, Problem, Status } from './feedback';
import { Funnel, type FunnelStep } from './funnel';
import { ProgressBar } from './progress';
import { RecipientsTable } from './recipients-table';

/** A campaign run's results or a blast's (which has no `runs`). */
type Results = Omit<components['schemas']['ResultsDto'], 'runs'>;

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
  /** The recipients export as a JSON array, unread: callers read the rows they show and cancel the rest. */
  recipientRows(status: string | undefined, signal: AbortSignal): Promise<Answer<ReadableStream<Uint8Array> | null>>;
  /** The recipients export as a CSV file. */
  recipientsCsv(status: string | undefined): Promise<Answer<Blob>>;
  act(action: 'pause' | 'resume' | 'cancel' | 'retry-failed'): Promise<{ error?: unknown; response: Response }>;
}

const LATE_STATUS_MS = 5 * 60_000;
const LATE_STATUS_EVERY_MS = 3_000;
// Failed recipients read to group them by code: exact up to here, a labelled sample beyond.
const FAILURES_READ = 10_000;

export function RunView(props: { source: RunSource; docsUrls: (runId: string) => Promise<Map<string, string>> }) {
  const { source } = props;
  const [run, setRun] = useState<RunFigures>();
  const [results, setResults] = useState<Results>();
  const [failures, setFailures] = useState<Failures>();
  const [docs, setDocs] = useState(new Map<string, string>());
  // Moves when the results move after the end, so the recipients table re-reads its first page.
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [generation, setGeneration] = useState(0);
  const refreshResults = async () => setResults(await source.results());

  // Follow the run live until it ends, then read the final results and group its failures.
  useEffect(() => {
    let live = true;
    const abort = new AbortController();
    // Failed recipients only, and at most FAILURES_READ of them, grouped as they stream in.
    const loadFailures = async (runId: string) => {
      const [{ data, error: failed, response }, urls] = await Promise.all([source.recipientRows('failed', abort.signal), props.docsUrls(runId)]);
      if (!data) throw new Error(errorText(failed, response));
      const grouped = await groupFailures(data, FAILURES_READ);
      if (!live) return;
      setFailures(grouped);
      setDocs(urls);
    };
    const settle = async () => {
      const final = await source.load();
      if (!live) return;
      setRun(final);
      const [results, grouped] = await Promise.all([
        source.results(),
        loadFailures(final.runId).then(
          () => true,
          (e: unknown) => (live && setError(errorText(e)), false),
        ),
      ]);
      if (!live) return;
      setResults(results);
      // -1: the failures are not grouped yet, so the next turn tries again.
      await followLateStatuses(final, JSON.stringify(results), grouped ? final.counts.failed : -1);
    };
    // Delivered, read and failed statuses keep arriving by webhook after the last send: for a few minutes after the
    // end, read the results (a few counters) every few seconds; only when they moved, read the run, and regroup the
    // failures only when the number of failed recipients changed. Recipients are never re-read wholesale here.
    const followLateStatuses = async (final: RunFigures, shown: string, failed: number) => {
      const ended = final.completedAt ? new Date(final.completedAt).getTime() : Date.now();
      while (live && Date.now() - ended < LATE_STATUS_MS) {
        await new Promise((r) => setTimeout(r, LATE_STATUS_EVERY_MS));
        try {
          const now = await source.results();
          const key = JSON.stringify(now);
          if (!live) return;
          if (key === shown && failed >= 0) continue;
          setResults(now);
          setVersion((v) => v + 1);
          const figures = await source.load();
          if (!live) return;
          setRun(figures);
          if (figures.counts.failed !== failed) {
            await loadFailures(final.runId);
            failed = figures.counts.failed;
          }
          // Only a turn that read everything it needed is done with; a failed one is tried again on the next.
          shown = key;
        } catch (e) {
          if (live) setError(errorText(e));
        }
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
      onEnd: () => void settle().catch((e: unknown) => live && setError(errorText(e))),
    });
    source
      .load()
      .then((r) => live && setRun((prev) => prev ?? r))
      .catch((e: unknown) => setError(errorText(e)));
    void refreshResults();
    return () => {
      live = false;
      abort.abort();
      stop();
    };
  }, [source.key, generation]);

  if (error && !run) return <Problem>{error}</Problem>;
  if (!run) return <p class="muted">Loading…</p>;

  const act = async (action: 'pause' | 'resume' | 'cancel' | 'retry-failed') => {
    setConfirmCancel(false);
    setNotice(undefined);
    const { error: failed, response } = await source.act(action);
    if (!response.ok) return setError(errorText(failed, response));
    setError(undefined);
    setNotice(
      {
        pause: 'Paused: no new sends start.',
        resume: 'Resumed.',
        cancel: 'Cancelled: nothing more is sent.',
        'retry-failed': 'Retrying the transient failures.',
      }[action],
    );
    setRun(await source.load());
    if (action === 'retry-failed' || action === 'resume') setGeneration((g) => g + 1);
  };
  // Replied (a button press or a reply) and clicked (a tracked link) are two ends of the funnel, side by side.
  const steps: FunnelStep[] = [
    { key: 'queued', label: 'Queued', value: run.recipients ?? 0 },
    { key: 'sent', label: 'Sent', value: results?.sent ?? 0 },
    { key: 'delivered', label: 'Delivered', value: results?.delivered ?? 0 },
    { key: 'read', label: 'Read', value: results?.read ?? 0 },
    { key: 'replied', label: 'Replied', value: results?.replied ?? 0 },
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
          {skipped.length > 0 ? <p class="skipped">Not sent: {skipped.map(([reason, n]) => `${count(n)} ${reason.replace(/_/g, ' ')}`).join(' · ')}</p> : null}
          {failures === undefined ? (
            <p class="muted">
              {ended ? 'Loading…' : run.counts.failed > 0 ? `${count(run.counts.failed)} failed so far; grouped by error when the run ends.` : 'None so far.'}
            </p>
          ) : failures.groups.length === 0 ? (
            <Empty>No failures.</Empty>
          ) : (
            <>
              <ul class="failures">
                {failures.groups.map((g) => (
                  <li key={g.code}>
                    <span class="failure-count">{count(g.n)}</span> <ErrorInfo error={{ code: g.code, title: g.title, docsUrl: docs.get(g.code) }} />{' '}
                    <a href={href('messages', { runId: run.runId, status: 'failed' })}>
                      see them<span class="visually-hidden"> (failed messages of this run)</span>
                    </a>
                  </li>
                ))}
              </ul>
              {failures.complete ? null : (
                <p class="help">
                  Grouped from the first {count(failures.counted)} of {count(run.counts.failed)} failed recipients; export the failed ones as CSV for all.
                </p>
              )}
            </>
          )}
        </div>
      </div>

      <RecipientsTable source={source} docs={docs} ended={ended} version={version} />
    </>
  );
}
