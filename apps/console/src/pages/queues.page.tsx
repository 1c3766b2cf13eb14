import { useEffect, useRef, useState } from 'preact/hooks';
import { count } from '../format';
import { Problem } from '../components/feedback';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'];

/** `herald_queue_jobs{queue="x",state="y"} n` lines of the Prometheus text, as queue → state → jobs. */
export function parseQueueDepths(text: string): Map<string, Map<string, number>> {
  const queues = new Map<string, Map<string, number>>();
  for (const m of text.matchAll(/^herald_queue_jobs\{([^}]*)\}\s+([0-9.eE+-]+)$/gm)) {
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (!labels['queue'] || !labels['state']) continue;
    const q = queues.get(labels['queue']) ?? new Map<string, number>();
    q.set(labels['state'], Number(m[2]));
    queues.set(labels['queue'], q);
  }
  return queues;
}

interface Sample {
  at: number;
  queues: Map<string, Map<string, number>>;
}

/**
 * Depth per queue and state from /metrics (public, like Prometheus scrapes it) every 2 s, and the rate at which
 * waiting work drains (or grows) between two samples. Bull Board has the jobs themselves, for operators.
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
        const next = { at: Date.now(), queues: parseQueueDepths(await res.text()) };
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

  const pending = (q: Map<string, number> | undefined) => (q ? ['waiting', 'active', 'delayed', 'prioritized'].reduce((n, s) => n + (q.get(s) ?? 0), 0) : 0);
  const rate = (name: string) => {
    const before = previous.current;
    if (!before || !sample) return undefined;
    const seconds = (sample.at - before.at) / 1000;
    return seconds > 0 ? (pending(sample.queues.get(name)) - pending(before.queues.get(name))) / seconds : undefined;
  };
  return (
    <section aria-labelledby="queues-title">
      <div class="page-head">
        <h1 id="queues-title">Queue health</h1>
        <a class="button secondary" href="/admin/queues" target="_blank" rel="noopener">
          Open Bull Board<span class="visually-hidden"> (operators; asks for the Bull Board password; opens in a new tab)</span>
        </a>
      </div>
      <p class="help">Jobs per queue and state, read from /metrics every 2 seconds. Bull Board (operators only) shows the jobs themselves.</p>
      {error ? <Problem>{error}</Problem> : null}
      {sample ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                {STATES.map((s) => (
                  <th scope="col" class="num" key={s}>
                    {s}
                  </th>
                ))}
                <th scope="col" class="num">
                  Backlog change
                </th>
              </tr>
            </thead>
            <tbody>
              {[...sample.queues].map(([name, states]) => {
                const r = rate(name);
                return (
                  <tr key={name}>
                    <th scope="row" class="mono">
                      {name}
                    </th>
                    {STATES.map((s) => (
                      <td class="num" key={s}>
                        {count(states.get(s) ?? 0)}
                      </td>
                    ))}
                    <td class="num">{r === undefined ? '—' : `${r > 0 ? '+' : ''}${count(Math.round(r))} / s`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : error ? null : (
        <p class="muted">Loading…</p>
      )}
    </section>
  );
}
