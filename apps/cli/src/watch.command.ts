import { Presets, SingleBar } from 'cli-progress';
import { createHerald, watchBlast, watchRun, type Import, type RunProgress } from '@herald/client';
import { withLocalStack } from '@herald/config';
import { UsageError } from './usage.error';
import {
  doneOf,
  etaText,
  importCounts,
  importLine,
  importRate,
  importSummary,
  rateText,
  runLine,
  runSummary,
  countsText,
  waitingText,
} from './watch-display.util';

/** Where the public API is and the key to call it with. */
export interface ApiTarget {
  readonly url: string;
  readonly key: string;
}

/** Exit codes: the run completed (0), failed (1), was cancelled (2); the watch was interrupted (130, as for SIGINT). */
const EXIT: Record<string, number> = { completed: 0, failed: 1, cancelled: 2 };
const INTERRUPTED = 130;

/**
 * --url / --key, else HERALD_URL / HERALD_API_KEY, else the local stack file `npm start` wrote (withLocalStack):
 * these commands talk to the HTTP API, the public surface, never to Postgres.
 */
export function apiTarget(
  flags: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string | undefined>> = withLocalStack(),
): ApiTarget {
  const url = flags['url'] ?? env['HERALD_URL'];
  const key = flags['key'] ?? env['HERALD_API_KEY'];
  if (!url) throw new UsageError('say where the API is: --url URL or HERALD_URL (npm start writes it to .data/stack.env)');
  if (!key)
    throw new UsageError('give an API key: --key KEY or HERALD_API_KEY (npm start writes the demo key to .data/stack.env)');
  return { url, key };
}

/** Redraws a bar on a terminal; elsewhere (a pipe, a file, CI) prints one plain line per update. */
interface Display<T> {
  update(value: T): void;
  /** Puts the bar away (drawn with `last` first, when given) and prints the summary line. */
  finish(summary: string, last?: T): void;
}

function runDisplay(what: string): Display<RunProgress> {
  if (!process.stdout.isTTY) {
    return { update: (p) => console.log(runLine(what, p, Date.now())), finish: (summary) => console.log(summary) };
  }
  const bar = new SingleBar(
    {
      format: ` {bar} {percentage}% | {value}/{total} | {rate} | {until} | {counts}`,
      hideCursor: true,
      stream: process.stdout,
      barsize: 30,
    },
    Presets.shades_classic,
  );
  let started = false;
  const display: Display<RunProgress> = {
    update(p) {
      const { done, total } = doneOf(p);
      const payload = {
        rate: rateText(p.rate),
        // cli-progress has an `eta` of its own (from the bar's pace); the API's estimate knows about waits.
        until: etaText(p.eta, Date.now()),
        counts: [p.status, countsText(p.counts), waitingText(p.waiting)].filter(Boolean).join(' | '),
      };
      if (!started) bar.start(Math.max(total, 1), done, payload);
      else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
      started = true;
    },
    finish(summary, last) {
      if (started && last) display.update(last);
      if (started) bar.stop();
      console.log(summary);
    },
  };
  return display;
}

/** Ctrl-C stops watching (the run itself goes on): the bar is put away and the exit code says so. */
function interruptible(): { signal: AbortSignal; done(): void } {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  return { signal: abort.signal, done: () => process.off('SIGINT', stop) };
}

async function follow(what: string, stream: (signal: AbortSignal) => AsyncIterable<RunProgress>): Promise<number> {
  const display = runDisplay(what);
  const { signal, done } = interruptible();
  let last: RunProgress | undefined;
  try {
    for await (const p of stream(signal)) {
      last = p;
      if (!p.final) display.update(p);
    }
  } catch (error) {
    // Put the bar away (and the cursor back) before the error is printed.
    display.finish(`Stopped watching ${what}${last ? ` (last seen: ${last.status})` : ''}.`);
    throw error;
  } finally {
    done();
  }
  if (!last?.final) {
    display.finish(`Stopped watching ${what}; it goes on${last ? ` (${last.status})` : ''}.`);
    return INTERRUPTED;
  }
  display.finish(runSummary(what, last), last);
  return EXIT[last.status] ?? 1;
}

/** `runs watch <runId>`: a run's progress until it ends; exit 0 when it completed. */
export function watchRunCommand(target: ApiTarget, runId: string): Promise<number> {
  return follow(`Run ${runId}`, (signal) => watchRun({ baseUrl: target.url, apiKey: target.key, signal }, { runId }));
}

/** `blasts watch <blastId>`: a blast's progress until it ends. */
export function watchBlastCommand(target: ApiTarget, blastId: string): Promise<number> {
  return follow(`Blast ${blastId}`, (signal) => watchBlast({ baseUrl: target.url, apiKey: target.key, signal }, blastId));
}

/** Imports have no event stream: their status is read once a second until they complete or fail. */
const IMPORT_POLL_MS = 1_000;

/** `imports watch <importId>`: an import's rows and counts until it ends; exit 0 when it completed. */
export async function watchImportCommand(target: ApiTarget, importId: string): Promise<number> {
  const herald = createHerald({ baseUrl: target.url, apiKey: target.key });
  const { signal, done } = interruptible();
  const display = importDisplay(importId);
  let seen = '';
  try {
    for (;;) {
      const current = await herald.imports.get(importId);
      if (current.status === 'completed' || current.status === 'failed') {
        display.finish(importSummary(importId, current, Date.now()));
        return current.status === 'completed' ? 0 : 1;
      }
      // A pipe gets a line when something changed, not one a second while an import waits in the queue.
      const key = JSON.stringify([current.status, current.rowsRead, current.imported, current.updated, current.invalid]);
      if (key !== seen || process.stdout.isTTY) display.update(current);
      seen = key;
      await new Promise((resolve) => setTimeout(resolve, IMPORT_POLL_MS));
      if (signal.aborted) {
        display.finish(`Stopped watching import ${importId}; it goes on (${current.status}).`);
        return INTERRUPTED;
      }
    }
  } finally {
    done();
  }
}

function importDisplay(importId: string): Display<Import> {
  if (!process.stdout.isTTY) {
    return { update: (i) => console.log(importLine(importId, i, Date.now())), finish: (summary) => console.log(summary) };
  }
  // No total is known while rows stream in: the line shows rows, pace and counts, redrawn in place.
  const bar = new SingleBar(
    { format: ' import {status} | {rows} rows | {rate} | {counts}', hideCursor: true, stream: process.stdout },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(i) {
      const payload = {
        status: i.status,
        rows: i.rowsRead.toLocaleString('en'),
        rate: rateText(importRate(i, Date.now()), ' rows/s'),
        counts: importCounts(i),
      };
      if (!started) bar.start(1, 0, payload);
      else bar.update(0, payload);
      started = true;
    },
    finish(summary) {
      if (started) bar.stop();
      console.log(summary);
    },
  };
}
