import type { Import, RunProgress, RunProgressCounts } from '@herald/client';

/** The order a person reads a run's statuses in: waiting, in flight, then what became of each send. */
const STATUS_ORDER: ReadonlyArray<keyof RunProgressCounts> = [
  'queued',
  'sending',
  'accepted',
  'held',
  'sent',
  'delivered',
  'read',
  'failed',
  'skipped',
  'cancelled',
  'expired',
];

/** `accepted 160 · delivered 12 · failed 1`: the statuses that hold someone. */
export function countsText(counts: RunProgressCounts): string {
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) => `${s} ${counts[s].toLocaleString('en')}`);
  return parts.length > 0 ? parts.join(' · ') : 'no recipients yet';
}

export function rateText(rate: number | null, unit = '/s'): string {
  return rate === null ? `-${unit}` : `${rate.toLocaleString('en', { maximumFractionDigits: 1 })}${unit}`;
}

/** `ETA 2m 05s` from the API's estimate, counted from `now`. */
export function etaText(eta: string | null, now: number): string {
  if (eta === null) return 'ETA -';
  const s = Math.max(0, Math.round((Date.parse(eta) - now) / 1000));
  if (s < 60) return `ETA ${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `ETA ${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `ETA ${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `waiting: sending_window until 2026-11-21 12:30 UTC`, or '' while it sends. */
export function waitingText(waiting: RunProgress['waiting']): string {
  if (waiting === null) return '';
  const until = waiting.until === null ? '' : ` until ${waiting.until.replace('T', ' ').slice(0, 16)} UTC`;
  return `waiting: ${waiting.reason}${until}`;
}

/** Recipients done (no longer waiting or in flight) and the total, for the bar. */
export function doneOf(p: RunProgress): { done: number; total: number } {
  const total = p.recipients ?? 0;
  return { done: Math.round(p.progress * total), total };
}

/** One plain line of a run's progress (what a non-terminal output gets on each update). */
export function runLine(what: string, p: RunProgress, now: number): string {
  const { done, total } = doneOf(p);
  const percent = `${Math.floor(p.progress * 100)}%`;
  const parts = [
    `${what} ${p.status}`,
    p.recipients === null
      ? 'recipients not fixed yet'
      : `${done.toLocaleString('en')}/${total.toLocaleString('en')} (${percent})`,
    rateText(p.rate),
    etaText(p.eta, now),
    countsText(p.counts),
    waitingText(p.waiting),
  ];
  return parts.filter((s) => s !== '').join(' | ');
}

/** The last line once the run ended: its status, its pace over the run, and every count. */
export function runSummary(what: string, p: RunProgress): string {
  const reason = p.failureReason ? ` (${p.failureReason})` : '';
  const total = p.recipients === null ? '' : ` ${p.recipients.toLocaleString('en')} recipients,`;
  return `${what} ${p.status}${reason}:${total} ${rateText(p.rate)} | ${countsText(p.counts)}`;
}

/** `imported 11,800 · updated 100 · invalid 100 · duplicates 0` */
export function importCounts(i: Import): string {
  const n = (x: number) => x.toLocaleString('en');
  return `imported ${n(i.imported)} · updated ${n(i.updated)} · invalid ${n(i.invalid)} · duplicates ${n(i.duplicates)}`;
}

/** Rows a second since the import started (null before it started). */
export function importRate(i: Import, now: number): number | null {
  if (i.startedAt === null) return null;
  const end = i.completedAt === null ? now : Date.parse(i.completedAt);
  const ms = end - Date.parse(i.startedAt);
  return ms > 0 ? Math.round((i.rowsRead / ms) * 10_000) / 10 : null;
}

export function importLine(id: string, i: Import, now: number): string {
  return `Import ${id} ${i.status} | ${i.rowsRead.toLocaleString('en')} rows | ${rateText(importRate(i, now), ' rows/s')} | ${importCounts(i)}`;
}

export function importSummary(id: string, i: Import, now: number): string {
  const failure = i.failure ? ` (${i.failure})` : '';
  return `Import ${id} ${i.status}${failure}: ${i.rowsRead.toLocaleString('en')} rows, ${rateText(importRate(i, now), ' rows/s')} | ${importCounts(i)}`;
}
