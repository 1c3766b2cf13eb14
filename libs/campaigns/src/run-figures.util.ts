/** Per-status counts of a run, folded from its counter buckets. */
export interface RunCounts {
  queued: number;
  sending: number;
  accepted: number;
  /** Accepted, then held by Meta for a quality assessment: neither sent nor failed yet. */
  held: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  skipped: number;
  cancelled: number;
  /** Not sent within the run's validity: never sent. */
  expired: number;
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
  /** Accepted and held by Meta for a quality assessment. */
  held: number;
  /** Not sent within the run's validity. */
  expired: number;
  deliveryRate: number;
  readRate: number;
  /** Sends the provider charges for, by its pricing category, as its status webhooks reported. */
  billable: { total: number; byCategory: Record<string, number> };
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
    held: 0,
    expired: 0,
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
    held: b('held'),
    expired: b('expired'),
    deliveryRate: ratio(delivered, sent),
    readRate: ratio(b('read'), delivered),
    billable: billableOf(buckets),
  };
}

function billableOf(buckets: Readonly<Record<string, number>>): RunResults['billable'] {
  const byCategory: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(buckets)) {
    if (!k.startsWith('billable:') || v === 0) continue;
    const category = k.slice('billable:'.length);
    byCategory[category] = (byCategory[category] ?? 0) + v;
    total += v;
  }
  return { total, byCategory };
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
  waitingUntil: Date | null = null,
): { progress: number; eta: Date | null } {
  if (recipients === 0) return { progress: running ? 0 : 1, eta: null };
  const left = counts.queued + counts.sending;
  const progress = Math.round(((recipients - left) / recipients) * 10_000) / 10_000;
  if (!running || startedAt === null || left === 0) return { progress, eta: null };
  const sentSoFar = recipients - left - counts.skipped - counts.cancelled - counts.expired;
  const elapsed = (now.getTime() - startedAt.getTime()) / 1000;
  // Held back (a window, quiet hours, the tier): the rest goes out from then, at the pace so far.
  const from = waitingUntil !== null && waitingUntil.getTime() > now.getTime() ? waitingUntil.getTime() : now.getTime();
  if (sentSoFar <= 0 || elapsed <= 0) return { progress, eta: from > now.getTime() ? new Date(from) : null };
  return { progress, eta: new Date(from + (left / (sentSoFar / elapsed)) * 1000) };
}
