import type { WaitReason } from '@herald/sending';
import type { RunStatus } from './campaign-run.entity';
import { CHANNEL_PAUSED } from './chunk-sender.service';
import { TEMPLATE_PAUSED } from './campaign.repository';
import { foldCounts, progressOf, toResults, type RunCounts, type RunResults } from './run-figures.util';

/** A run's status once it has ended: its live progress stream sends a last event and closes. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'cancelled', 'failed'];

export interface RunWaiting {
  reason: WaitReason | typeof TEMPLATE_PAUSED;
  until: Date | null;
}

/** A run's live figures: what its progress stream sends at most once a second while anything changes. */
export interface RunProgress {
  runId: string;
  /** The run's campaign; null when the run is a blast's. */
  campaignId: string | null;
  /** The blast the run is; null for a campaign's run. */
  blastId: string | null;
  status: RunStatus;
  /** The run has ended (completed, cancelled or failed): this is the stream's last event. */
  final: boolean;
  /** Fixed when the run starts (skipped ones included); null before. */
  recipients: number | null;
  counts: RunCounts;
  /** Share of recipients no longer waiting or in flight (0..1). */
  progress: number;
  /** Sends per second over the last ~5 s while running; once ended, the average over the run; null before there is a pace. */
  rate: number | null;
  /** Estimated end, from the pace so far and any wait (running runs only). */
  eta: Date | null;
  /** Why a run that is not finished is not sending now, and until when; null while it sends. */
  waiting: RunWaiting | null;
  /** The run's results as `GET …/results?runId=` computes them, clicks aside. */
  results: RunResults;
  failureReason: string | null;
  startedAt: Date | null;
  completedAt: Date | null;
  /** When these figures were read. */
  at: Date;
}

/** What one read of a run gives: its row, its counter buckets, and its earliest deferred recipient. */
export interface RunProgressRow {
  id: string;
  campaign_id: string;
  kind: 'campaign' | 'blast';
  status: RunStatus;
  recipients: number | null;
  started_at: Date | null;
  completed_at: Date | null;
  failure_reason: string | null;
  buckets: Record<string, number | string>;
  /** Running runs only: whether a queued recipient is due now (null otherwise). */
  due_now: boolean | null;
  /** Running runs with nothing due only: the earliest deferred recipient's reason and time. */
  waiting_reason: string | null;
  waiting_until: Date | null;
}

/** One reading of how many recipients a run has sent, for its pace. */
export interface SendSample {
  at: number;
  sent: number;
}

/** How far back the pace looks: long enough to smooth a chunk's burst, short enough to follow a pause or a slow-down. */
export const RATE_WINDOW_MS = 5_000;

/**
 * Why a run is not sending now (null while it sends or once it ended): its status says it for template reviews and
 * pauses; a running run with no recipient due waits for its earliest deferred recipient (window, quiet hours, tier…).
 */
export function runWaiting(
  status: RunStatus,
  failureReason: string | null,
  queued: { dueNow: boolean; reason: string | null; until: Date | null } | undefined,
): RunWaiting | null {
  switch (status) {
    case 'waiting_for_template':
      return { reason: 'template_pending', until: null };
    case 'paused':
      if (failureReason?.startsWith(TEMPLATE_PAUSED)) return { reason: TEMPLATE_PAUSED, until: null };
      return failureReason?.startsWith(CHANNEL_PAUSED) ? { reason: 'channel_paused', until: null } : null;
    case 'running':
      if (!queued || queued.dueNow || (queued.reason === null && queued.until === null)) return null;
      return { reason: (queued.reason as WaitReason | null) ?? 'backoff', until: queued.until };
    case 'scheduled':
    case 'completed':
    case 'cancelled':
    case 'failed':
      return null;
  }
}

/** Recipients the provider answered for (accepted, then whatever followed, or failed): the pace counts these. */
export function sentOf(counts: RunCounts): number {
  return counts.accepted + counts.held + counts.sent + counts.delivered + counts.read + counts.failed;
}

/**
 * Sends per second: while running, over the samples kept (oldest first, spanning about RATE_WINDOW_MS), or with one
 * sample only, the average since the start; once ended, the average over the whole run. Rounded to 0.1; null when
 * there is nothing to measure.
 */
export function rateOf(
  samples: readonly SendSample[],
  run: { status: RunStatus; startedAt: Date | null; completedAt: Date | null },
): number | null {
  const round = (perMs: number) => Math.round(perMs * 10_000) / 10;
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || run.startedAt === null) return null;
  const started = run.startedAt.getTime();
  if (FINAL_RUN_STATUSES.includes(run.status)) {
    const ended = run.completedAt?.getTime() ?? last.at;
    return ended > started ? round(last.sent / (ended - started)) : null;
  }
  if (run.status !== 'running') return null;
  if (first !== last && last.at > first.at) return round(Math.max(0, last.sent - first.sent) / (last.at - first.at));
  return last.at > started ? round(last.sent / (last.at - started)) : null;
}

/** The samples to keep after `sample`: those still inside the window, and the one just before it (its start). */
export function keepSamples(samples: readonly SendSample[], sample: SendSample): SendSample[] {
  const all = [...samples, sample];
  const inside = all.findIndex((s) => s.at >= sample.at - RATE_WINDOW_MS);
  return all.slice(Math.max(0, inside - 1));
}

/**
 * A run's live figures from one read of it at `now`, with the pace from `samples` (earlier readings of the run, oldest
 * first); returns the samples to keep for the next reading.
 */
export function toRunProgress(
  row: RunProgressRow,
  now: Date,
  samples: readonly SendSample[] = [],
): { progress: RunProgress; samples: SendSample[] } {
  const buckets = Object.fromEntries(Object.entries(row.buckets).map(([k, v]) => [k, Number(v)]));
  const { counts } = foldCounts(buckets);
  const kept = keepSamples(samples, { at: now.getTime(), sent: sentOf(counts) });
  const waiting = runWaiting(
    row.status,
    row.failure_reason,
    row.due_now === null ? undefined : { dueNow: row.due_now, reason: row.waiting_reason, until: row.waiting_until },
  );
  const { progress, eta } =
    row.recipients === null
      ? { progress: 0, eta: null }
      : progressOf(counts, row.recipients, row.started_at, now, row.status === 'running', waiting?.until ?? null);
  const progressNow: RunProgress = {
    runId: row.id,
    campaignId: row.kind === 'blast' ? null : row.campaign_id,
    blastId: row.kind === 'blast' ? row.campaign_id : null,
    status: row.status,
    final: FINAL_RUN_STATUSES.includes(row.status),
    recipients: row.recipients,
    counts,
    progress,
    rate: rateOf(kept, { status: row.status, startedAt: row.started_at, completedAt: row.completed_at }),
    eta,
    waiting,
    results: toResults(buckets),
    failureReason: row.failure_reason,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    at: now,
  };
  return { progress: progressNow, samples: kept };
}

/** What a watcher must be told again when it changes (the pace and the ETA move with time alone: they ride along). */
export function figuresKey(p: RunProgress): string {
  return JSON.stringify([
    p.status,
    p.recipients,
    p.counts,
    p.waiting?.reason ?? null,
    p.waiting?.until?.getTime() ?? null,
    p.failureReason,
  ]);
}
