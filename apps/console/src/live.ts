import type { RunProgress } from '@herald/client';

const ENDED = new Set(['completed', 'cancelled', 'failed']);
const POLL_MS = 2_000;

export function hasEnded(status: string | undefined): boolean {
  return !!status && ENDED.has(status);
}

/**
 * Follows a run through the client's event stream (`watch`: counts, progress, rate, ETA, why it waits, results,
 * then a final event) and calls `onUpdate` with each snapshot, then `onEnd` once. Should the stream fail for good
 * (the client already reconnects), it reads the run every 2 s with `poll` instead. Returns a function that stops.
 */
export function followRun(o: {
  watch: (signal: AbortSignal) => AsyncIterable<RunProgress>;
  poll: () => Promise<{ status: string }>;
  onUpdate: (progress: RunProgress) => void;
  onEnd: () => void;
}): () => void {
  const abort = new AbortController();
  const end = () => {
    if (!abort.signal.aborted) o.onEnd();
  };
  void (async () => {
    try {
      for await (const progress of o.watch(abort.signal)) {
        o.onUpdate(progress);
        if (progress.final) return end();
      }
      if (abort.signal.aborted) return;
    } catch {
      if (abort.signal.aborted) return;
    }
    while (!abort.signal.aborted) {
      const run = await o.poll().catch(() => undefined);
      if (run && hasEnded(run.status)) return end();
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return () => abort.abort();
}

/** Saves a file the browser downloads (CSV export); a Blob the fetch answered stays out of the page's own memory. */
export function download(filename: string, content: Blob | string, type = 'text/csv'): void {
  const url = URL.createObjectURL(typeof content === 'string' ? new Blob([content], { type }) : content);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
