import { describe, expect, it } from '@jest/globals';
import { CHANNEL_PAUSED } from './chunk-sender.service';
import { TEMPLATE_PAUSED } from './campaign.repository';
import { RATE_WINDOW_MS, rateOf, runWaiting, toRunProgress, type RunProgressRow } from './run-progress.util';
import { toResults } from './run-figures.util';

const START = new Date('2026-11-21T09:00:00Z');
const at = (s: number) => START.getTime() + s * 1000;

describe('run progress', () => {
  it('says why a run waits, from its status or its earliest deferred recipient', () => {
    const until = new Date('2026-11-21T12:30:00Z');
    expect(runWaiting('waiting_for_template', null, undefined)).toEqual({ reason: 'template_pending', until: null });
    expect(runWaiting('paused', `${TEMPLATE_PAUSED}: quality`, undefined)).toEqual({ reason: TEMPLATE_PAUSED, until: null });
    expect(runWaiting('paused', `${CHANNEL_PAUSED} by its owner`, undefined)).toEqual({ reason: 'channel_paused', until: null });
    expect(runWaiting('paused', null, undefined)).toBeNull();
    expect(runWaiting('running', null, { dueNow: false, reason: 'quiet_hours', until })).toEqual({
      reason: 'quiet_hours',
      until,
    });
    expect(runWaiting('running', null, { dueNow: false, reason: null, until })).toEqual({ reason: 'backoff', until });
    expect(runWaiting('running', null, { dueNow: true, reason: null, until: null })).toBeNull();
    // Nothing deferred, but sends without an answer wait for their status: no time is known.
    expect(runWaiting('running', null, { dueNow: false, reason: 'unconfirmed', until: null })).toEqual({ reason: 'unconfirmed', until: null });
    expect(runWaiting('running', null, { dueNow: false, reason: null, until: null })).toBeNull();
    expect(runWaiting('completed', null, undefined)).toBeNull();
  });

  it('measures the pace over the window while running, and over the whole run once ended', () => {
    const samples = [
      { at: at(2), sent: 40 },
      { at: at(4), sent: 100 },
    ];
    expect(rateOf(samples, { status: 'running', startedAt: START, completedAt: null })).toBe(30);
    expect(rateOf(samples.slice(0, 1), { status: 'running', startedAt: START, completedAt: null })).toBe(20);
    expect(rateOf(samples, { status: 'completed', startedAt: START, completedAt: new Date(at(5)) })).toBe(20);
    expect(rateOf(samples, { status: 'paused', startedAt: START, completedAt: null })).toBeNull();
    expect(rateOf([], { status: 'running', startedAt: START, completedAt: null })).toBeNull();
  });

  it('keeps the readings of the pace window only', () => {
    let samples: Array<{ at: number; sent: number }> = [];
    for (let s = 1; s <= 30; s++) samples = toRunProgress(row({ accepted: s * 10 }), new Date(at(s)), samples).samples;
    expect(samples.length).toBe(RATE_WINDOW_MS / 1000 + 2);
    expect(samples[samples.length - 1]!.at - samples[0]!.at).toBeGreaterThan(RATE_WINDOW_MS);
  });

  it("gives a run's figures with the results GET results computes from the same counters", () => {
    const buckets = { queued: 50, accepted: 20, delivered: 20, 'failed:send': 5, 'skipped:opted_out': 5 };
    const { progress } = toRunProgress(row(buckets), new Date(at(5)));
    expect(progress).toMatchObject({
      status: 'running',
      final: false,
      recipients: 100,
      progress: 0.5,
      counts: { queued: 50, accepted: 20, delivered: 20, failed: 5, skipped: 5 },
      waiting: null,
      // Sent counts every send the provider took (accepted 20 + delivered 20); the send failures and skips apart.
      results: { sent: 40, delivered: 20, read: 0, sendErrors: 5, deliveryErrors: 0, skipped: 5, deliveryRate: 0.5, readRate: 0 },
    });
    // …and they are GET results' own figures, from the one calculation.
    expect(progress.results).toEqual(toResults(buckets));
    expect(progress.eta!.getTime()).toBeGreaterThan(at(5));
    // A blast's run names the blast, not a campaign.
    expect(toRunProgress({ ...row(buckets), kind: 'blast' }, new Date(at(5))).progress).toMatchObject({
      campaignId: null,
      blastId: 'c1',
    });
  });
});

function row(buckets: Record<string, number>): RunProgressRow {
  return {
    id: 'r1',
    campaign_id: 'c1',
    kind: 'campaign',
    status: 'running',
    recipients: 100,
    started_at: START,
    completed_at: null,
    failure_reason: null,
    buckets,
    due_now: true,
    waiting_reason: null,
    waiting_until: null,
  };
}
