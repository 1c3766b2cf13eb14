import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { MessageEvent } from '@nestjs/common';
import type { RunProgress, RunProgressHub, RunWatcher } from '@herald/campaigns';
import { HEARTBEAT_MS, runEventStream } from './run-events.util';

/** A hub that hands the test the watcher it was given. */
class FakeHub {
  watcher: RunWatcher | null = null;
  left = 0;
  watch(_seen: RunProgress, watcher: RunWatcher): () => void {
    this.watcher = watcher;
    return () => {
      this.left += 1;
    };
  }
}

const progress = (accepted: number, final = false) =>
  ({ runId: 'r', status: final ? 'completed' : 'running', final, counts: { accepted } }) as unknown as RunProgress;

describe(runEventStream.name, () => {
  let hub: FakeHub;
  let events: MessageEvent[];
  let completed: boolean;
  const open = (first: RunProgress) =>
    runEventStream(hub as unknown as RunProgressHub, first).subscribe({
      next: (e) => events.push(e),
      complete: () => (completed = true),
    });

  beforeEach(() => {
    jest.useFakeTimers();
    hub = new FakeHub();
    events = [];
    completed = false;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends the figures now, each change, a heartbeat comment when quiet, and `end` last', () => {
    open(progress(1));
    hub.watcher!.progress(progress(5));
    jest.advanceTimersByTime(HEARTBEAT_MS);
    hub.watcher!.progress(progress(9, true));
    expect(events.map((e) => e.type ?? `:${e.comment}`)).toEqual(['progress', 'progress', ':heartbeat', 'end']);
    expect(completed).toBe(true);
    expect([hub.left, jest.getTimerCount()]).toEqual([1, 0]);
  });

  it('ends at once for a run that has ended, without watching it', () => {
    open(progress(9, true));
    expect([events.map((e) => e.type), completed, hub.watcher, jest.getTimerCount()]).toEqual([['end'], true, null, 0]);
  });

  it('leaves the hub and stops the heartbeat when the client goes away', () => {
    const subscription = open(progress(1));
    subscription.unsubscribe();
    jest.advanceTimersByTime(HEARTBEAT_MS * 3);
    expect([events.length, hub.left, jest.getTimerCount()]).toEqual([1, 1, 0]);
  });
});
