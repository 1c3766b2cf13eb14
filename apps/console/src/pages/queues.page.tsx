import { useEffect, useRef, useState } from 'preact/hooks';
import { count } from '../format';
import { Problem } from '../components/feedback';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'];
const RESULTS = ['completed', 'failed'] as const;
type Result = (typeof RESULTS)[number];

/** Queue → label value → number, from the `metric{queue="x",<label>="y"} n` lines of Prometheus text. */
type ByQueue = Map<string, Map<string, number>>;

/** The samples of `metric` in Prometheus text: each line's labels and value. */
function* samplesOf(text: string, metric: string): Generator<{ labels: Record<string, string>; value: number }> {
  for (const m of text.matchAll(/^(\w+)\{([^}]*)\}\s+([0-9.eE+-]+)$/gm)) {
    if (m[1] !== metric) continue;
    yield { labels: Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!])), value: Number(m[3]) };
  }
}

export function parseByQueue(text: string, metric: string, label: string): ByQueue {
  const queues: ByQueue = new Map();
  for (const { labels, value } of samplesOf(text, metric)) {
    if (!labels['queue'] || !labels[label]) continue;
    const q = queues.get(labels['queue']) ?? new Map<string, number>();
    q.set(labels[label], value);
    queues.set(labels['queue'], q);
  }
  return queues;
}

/** Queue → number, from a metric labelled by the queue alone (`metric{queue="x"} n`). */
export function parsePerQueue(text: string, metric: string): Map<string, number> {
  const queues = new Map<string, number>();
  for (const { labels, value } of samplesOf(text, metric)) if (labels['queue']) queues.set(labels['queue'], value);
  return queues;
}

interface Sample {
  at: number;
  depths: ByQueue;
  /** Jobs finished since BullMQ's metrics began (a counter), by result. */
  processed: ByQueue;
  /** Jobs finished in the last full minute, by result. */
  lastMinute: ByQueue;
  /** Worker processes draining each queue (`herald_queue_workers`). */
  workers: Map<string, number>;
}

const perSecond = (n: number) => `${n < 10 && n % 1 !== 0 ? n.toFixed(1) : count(Math.round(n))} / s`;

/** "1,187" or "1,187 · 3 failed": completed jobs, and failed ones when there are any. */
const finished = (q: Map<string, number> | undefined) => {
  const failed = q?.get('failed') ?? 0;
  return `${count(q?.get('completed') ?? 0)}${failed > 0 ? ` · ${count(failed)} failed` : ''}`;
};

/** How many workers drain a queue; none is flagged, since its jobs then wait for ever. */
const workersCell = (n: number | undefined) =>
  n === undefined ? '—' : n === 0 ? <span class="badge badge-failed">none</span> : count(n);

/**
 * Depth per queue and state from /metrics (public, like Prometheus scrapes it) every 2 s, and how fast each queue is
 * worked: jobs finished per second from the difference of two readings of `herald_queue_jobs_processed_total` (the
 * finished jobs themselves are removed from Redis, so depth cannot tell), with BullMQ's last full minute and the
 * running total. Bull Board has the jobs themselves, for operators.
 */
export function QueuesPage() {
  const [sample, setSample] = useState<Sample>();
  const previous = useRef<Sample | undefined>(undefined);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    const read = async () => {
      try {
        const res = await fetch('/metrics');
        if (!res.ok) throw new Error(`/metrics answered ${res.status}.`);
        const text = await res.text();
        const next: Sample = {
          at: Date.now(),
          depths: parseByQueue(text, 'herald_queue_jobs', 'state'),
          processed: parseByQueue(text, 'herald_queue_jobs_processed_total', 'result'),
          lastMinute: parseByQueue(text, 'herald_queue_jobs_last_minute', 'result'),
          workers: parsePerQueue(text, 'herald_queue_workers'),
        };
        if (!live) return;
        setSample((s) => ((previous.current = s), next));
        setError(undefined);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void read();
    const t = setInterval(() => void read(), 2000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);

  /** Jobs of one result finished per second between the last two readings; unknown after a counter reset. */
  const rate = (name: string, result: Result) => {
    const before = previous.current?.processed.get(name)?.get(result);
    const now = sample?.processed.get(name)?.get(result);
    if (before === undefined || now === undefined || now < before) return undefined;
    const seconds = (sample!.at - previous.current!.at) / 1000;
    return seconds > 0 ? (now - before) / seconds : undefined;
  };
  return (
    <section aria-labelledby="queues-title">
      <div class="page-head">
        <h1 id="queues-title">Queue health</h1>
        <a class="button secondary" href="/admin/queues" target="_blank" rel="noopener">
          Open Bull Board<span class="visually-hidden"> (operators; asks for the Bull Board password; opens in a new tab)</span>
        </a>
      </div>
      <p class="help">
        The worker processes draining each queue (a queue none drains keeps its jobs waiting: see WORKER_QUEUES), jobs
        per queue and state, and how many jobs each queue finishes: per second over the last 2 seconds, in the last
        full minute and in total. Read from /metrics every 2 seconds. Finished jobs are kept in Redis only up to a bounded
        number, so the completed and failed states are not totals. Bull Board (operators only) shows the jobs themselves.
      </p>
      {error ? <Problem>{error}</Problem> : null}
      {sample ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <td colSpan={2} />
                <th scope="colgroup" colSpan={STATES.length}>
                  Jobs in Redis now
                </th>
                <th scope="colgroup" colSpan={4}>
                  Jobs finished
                </th>
              </tr>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" class="num">
                  workers
                </th>
                {STATES.map((s) => (
                  <th scope="col" class="num" key={s}>
                    {s}
                  </th>
                ))}
                <th scope="col" class="num">
                  completed / s
                </th>
                <th scope="col" class="num">
                  failed / s
                </th>
                <th scope="col" class="num">
                  last minute
                </th>
                <th scope="col" class="num">
                  in total
                </th>
              </tr>
            </thead>
            <tbody>
              {[...sample.depths].map(([name, states]) => (
                <tr key={name}>
                  <th scope="row" class="mono">
                    {name}
                  </th>
                  <td class="num">{workersCell(sample.workers.get(name))}</td>
                  {STATES.map((s) => (
                    <td class="num" key={s}>
                      {count(states.get(s) ?? 0)}
                    </td>
                  ))}
                  {RESULTS.map((result) => {
                    const r = rate(name, result);
                    return (
                      <td class="num" key={result}>
                        {r === undefined ? '—' : perSecond(r)}
                      </td>
                    );
                  })}
                  <td class="num">{sample.lastMinute.has(name) ? finished(sample.lastMinute.get(name)) : '—'}</td>
                  <td class="num">{sample.processed.has(name) ? finished(sample.processed.get(name)) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}
