/** Per-status counts of a run, folded from its counter buckets. */
export interface RunCounts {
  queued: number;
  sending: number;
  accepted: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

/**
 * The results, as defined in the API docs (docs/CAMPAIGNS.md):
 * - sent: the provider accepted it (whatever happened after, except "not on WhatsApp");
 * - delivered: it reached the phone (read ones included); read: it was read;
 * - sendErrors: failed before the provider accepted it; deliveryErrors: accepted, then failed;
 * - numbersNotOnWhatsApp: error 131026 now, or known from before and skipped;
 * - skipped: not sent at all (opted out, not on WhatsApp, frequency cap, missing variable);
 * - deliveryRate = delivered ÷ sent; readRate = read ÷ delivered (0 when nothing to divide by).
 */
export interface RunResults {
  sent: number;
  delivered: number;
  read: number;
  sendErrors: number;
  deliveryErrors: number;
  numbersNotOnWhatsApp: number;
  skipped: number;
  deliveryRate: number;
  readRate: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

export function foldCounts(buckets: Readonly<Record<string, number>>): {
  counts: RunCounts;
  skippedBy: Record<string, number>;
  failedBy: Record<string, number>;
} {
  const counts: RunCounts = {
    queued: 0,
    sending: 0,
    accepted: 0,
    sent: 0,
    delivered: 0,
    read: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
  const skippedBy: Record<string, number> = {};
  const failedBy: Record<string, number> = {};
  for (const [bucket, n] of Object.entries(buckets)) {
    const [status, detail] = bucket.split(':') as [keyof RunCounts, string | undefined];
    if (!(status in counts)) continue;
    counts[status] += n;
    if (status === 'skipped' && detail) skippedBy[detail] = (skippedBy[detail] ?? 0) + n;
    if (status === 'failed' && detail) failedBy[detail] = (failedBy[detail] ?? 0) + n;
  }
  return { counts, skippedBy, failedBy };
}

export function toResults(buckets: Readonly<Record<string, number>>): RunResults {
  const b = (k: string) => buckets[k] ?? 0;
  const deliveryErrors = b('failed:delivery');
  const delivered = b('delivered') + b('read');
  const sent = b('accepted') + b('sent') + delivered + deliveryErrors;
  return {
    sent,
    delivered,
    read: b('read'),
    sendErrors: b('failed:send'),
    deliveryErrors,
    numbersNotOnWhatsApp: b('failed:not_on_whatsapp') + b('skipped:not_on_whatsapp'),
    skipped: Object.entries(buckets)
      .filter(([k]) => k.startsWith('skipped:'))
      .reduce((n, [, v]) => n + v, 0),
    deliveryRate: ratio(delivered, sent),
    readRate: ratio(b('read'), delivered),
  };
}

/** Adds bucket maps (a campaign's results over all its runs). */
export function addBuckets(all: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of all) for (const [k, v] of Object.entries(m)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * Progress (0..1: recipients no longer waiting or in flight) and, while running, an estimate of when it ends
 * from the pace so far. Skipped recipients count as done at once and do not make the pace look faster.
 */
export function progressOf(
  counts: RunCounts,
  recipients: number,
  startedAt: Date | null,
  now: Date,
  running: boolean,
): { progress: number; eta: Date | null } {
  if (recipients === 0) return { progress: running ? 0 : 1, eta: null };
  const left = counts.queued + counts.sending;
  const progress = Math.round(((recipients - left) / recipients) * 10_000) / 10_000;
  if (!running || startedAt === null || left === 0) return { progress, eta: null };
  const sentSoFar = recipients - left - counts.skipped - counts.cancelled;
  const elapsed = (now.getTime() - startedAt.getTime()) / 1000;
  if (sentSoFar <= 0 || elapsed <= 0) return { progress, eta: null };
  return { progress, eta: new Date(now.getTime() + (left / (sentSoFar / elapsed)) * 1000) };
}
