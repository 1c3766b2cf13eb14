import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Clock } from '@herald/common';
import { RUN_PROGRESS_TICK_MS, RunProgressHub, type RunWatcher } from './run-progress-hub.service';
import type { RunProgressRepository } from './run-progress.repository';
import type { RunProgress, RunProgressRow } from './run-progress.util';

const RUN_A = '11111111-1111-4111-8111-111111111111';
const RUN_B = '22222222-2222-4222-8222-222222222222';
const CAMPAIGN = '33333333-3333-4333-8333-333333333333';

const row = (id: string, sent: number, status: RunProgressRow['status'] = 'running'): RunProgressRow => ({
  id,
  campaign_id: CAMPAIGN,
  kind: 'campaign',
  status,
  recipients: 100,
  started_at: new Date('2026-11-21T09:00:00Z'),
  completed_at: status === 'completed' ? new Date('2026-11-21T09:00:10Z') : null,
  failure_reason: null,
  buckets: { accepted: sent, queued: 100 - sent },
  due_now: status === 'running' ? true : null,
  waiting_reason: null,
  waiting_until: null,
});

/** A repository whose runs are set by the test; it records every read the hub makes. */
class FakeRuns {
  readonly rows = new Map<string, RunProgressRow>();
  readonly reads: string[][] = [];
  async runs(ids: readonly string[]): Promise<RunProgressRow[]> {
    this.reads.push([...ids]);
    return ids.flatMap((id) => (this.rows.has(id) ? [this.rows.get(id)!] : []));
  }
  async campaignRun(_w: string, _c: string, runId: string): Promise<RunProgressRow | undefined> {
    return this.rows.get(runId);
  }
  async blastRun(): Promise<RunProgressRow | undefined> {
    return undefined;
  }
}

class Recorder implements RunWatcher {
  readonly seen: RunProgress[] = [];
  ended = 0;
  progress(p: RunProgress): void {
    this.seen.push(p);
  }
  end(): void {
    this.ended += 1;
  }
}

describe(RunProgressHub.name, () => {
  let runs: FakeRuns;
  let hub: RunProgressHub;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-21T09:00:05Z') });
    runs = new FakeRuns();
    hub = new RunProgressHub(runs as unknown as RunProgressRepository, new Clock());
  });
  afterEach(() => {
    hub.onModuleDestroy();
    jest.useRealTimers();
  });

  const tick = async () => {
    await jest.advanceTimersByTimeAsync(RUN_PROGRESS_TICK_MS);
  };
  const open = async (runId: string) => hub.current('w', { campaignId: CAMPAIGN, runId });

  it('reads every watched run in one statement a tick, however many watch', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 10));
    runs.rows.set(RUN_B, row(RUN_B, 20));
    const watchers = [new Recorder(), new Recorder(), new Recorder()];
    const first = await open(RUN_A);
    for (const w of watchers) hub.watch(first, w);
    hub.watch(await open(RUN_B), new Recorder());

    runs.rows.set(RUN_A, row(RUN_A, 30));
    await tick();
    await tick();
    expect(runs.reads).toEqual([
      [RUN_A, RUN_B],
      [RUN_A, RUN_B],
    ]);
    // Each watcher got the change once, not once a tick.
    for (const w of watchers) expect(w.seen.map((p) => p.counts.accepted)).toEqual([30]);
  });

  it('tells a watcher only what changed since it was told', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 10));
    const w = new Recorder();
    hub.watch(await open(RUN_A), w);
    await tick();
    expect(w.seen).toEqual([]);
    runs.rows.set(RUN_A, row(RUN_A, 11));
    await tick();
    await tick();
    expect(w.seen.map((p) => [p.counts.accepted, p.progress])).toEqual([[11, 0.11]]);
  });

  it('sends the last figures to everyone once the run ends, then forgets it and stops ticking', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 10));
    const a = new Recorder();
    const b = new Recorder();
    const first = await open(RUN_A);
    hub.watch(first, a);
    hub.watch(first, b);
    runs.rows.set(RUN_A, row(RUN_A, 100, 'completed'));
    await tick();
    for (const w of [a, b]) expect(w.seen.map((p) => [p.status, p.final, p.progress])).toEqual([['completed', true, 1]]);
    expect(hub.size()).toEqual({ runs: 0, watchers: 0 });
    await tick();
    expect(runs.reads).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops reading a run when its last watcher leaves, and ticking when none is watched', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 10));
    runs.rows.set(RUN_B, row(RUN_B, 10));
    const first = await open(RUN_A);
    const leaveA1 = hub.watch(first, new Recorder());
    const leaveA2 = hub.watch(first, new Recorder());
    const leaveB = hub.watch(await open(RUN_B), new Recorder());
    leaveA1();
    await tick();
    leaveA2();
    await tick();
    leaveB();
    await tick();
    expect(runs.reads).toEqual([[RUN_A, RUN_B], [RUN_B]]);
    expect(jest.getTimerCount()).toBe(0);
    leaveB(); // twice: nothing happens
    expect(hub.size()).toEqual({ runs: 0, watchers: 0 });
  });

  it('ends the watchers of a run that is gone, and all of them when the API shuts down', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 10));
    runs.rows.set(RUN_B, row(RUN_B, 10));
    const gone = new Recorder();
    const other = new Recorder();
    hub.watch(await open(RUN_A), gone);
    hub.watch(await open(RUN_B), other);
    runs.rows.delete(RUN_A);
    await tick();
    expect([gone.ended, other.ended]).toEqual([1, 0]);
    hub.onModuleDestroy();
    expect(other.ended).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('answers 404 for a run the workspace does not have, or an id that is not one', async () => {
    await expect(open(RUN_A)).rejects.toMatchObject({ kind: 'not_found', code: 'run_not_found' });
    await expect(hub.current('w', { campaignId: 'nope', runId: RUN_A })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(hub.current('w', { blastId: RUN_A })).rejects.toMatchObject({ code: 'blast_not_found' });
  });

  it('measures the pace over the last ticks', async () => {
    runs.rows.set(RUN_A, row(RUN_A, 0));
    const w = new Recorder();
    hub.watch(await open(RUN_A), w);
    for (const sent of [10, 30, 50]) {
      runs.rows.set(RUN_A, row(RUN_A, sent));
      await tick();
    }
    // The first reading alone: 10 sent in the 6 s since the start; then 10 → 30 → 50 a second apart: 20 a second.
    expect(w.seen.map((p) => p.rate)).toEqual([1.7, 20, 20]);
  });
});
