import { afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CLICK_FLUSH_AT, CLICK_FLUSH_EVERY_MS, CLICK_PENDING_MAX, ClickRecorder } from './click-recorder.service';
import type { LinkRepository } from './link.repository';
import type { PendingClick } from './links.types';

/** A stand-in for the repository: records each batch, or fails while `failing` says so. */
class FakeClicks {
  batches: PendingClick[][] = [];
  failing: unknown = undefined;

  async insertClicks(clicks: readonly PendingClick[]): Promise<void> {
    await Promise.resolve();
    if (this.failing !== undefined) throw this.failing;
    this.batches.push([...clicks]);
  }

  get written(): string[] {
    return this.batches.flat().map((c) => c.code);
  }
}

const click = (n: number): PendingClick => ({
  code: `c${n}`,
  workspaceId: '00000000-0000-4000-8000-000000000001',
  sendRef: `r:${n}`,
  runId: null,
  clickedAt: new Date(1_700_000_000_000 + n),
  userAgent: 'test',
});
const codes = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `c${from + i}`);
const connectionLost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });

describe(ClickRecorder.name, () => {
  let repo: FakeClicks;
  let recorder: ClickRecorder;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    jest.useFakeTimers();
    repo = new FakeClicks();
    recorder = new ClickRecorder(repo as unknown as LinkRepository);
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('writes the clicks of ~250 ms in one batch, not before', async () => {
    for (let i = 0; i < 3; i++) recorder.record(click(i));
    await jest.advanceTimersByTimeAsync(CLICK_FLUSH_EVERY_MS - 1);
    expect(repo.batches).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(repo.batches.map((b) => b.length)).toEqual([3]);
    expect(recorder.stats()).toEqual({ pending: 0, recorded: 3, dropped: 0, failedWrites: 0 });
  });

  it('writes at once when 1,000 clicks wait', async () => {
    for (let i = 0; i < CLICK_FLUSH_AT; i++) recorder.record(click(i));
    await jest.advanceTimersByTimeAsync(0);
    expect(repo.batches.map((b) => b.length)).toEqual([CLICK_FLUSH_AT]);
  });

  it('keeps the clicks while Postgres is down, retries with backoff, and writes them in order once it is back', async () => {
    repo.failing = connectionLost;
    for (let i = 0; i < 5; i++) recorder.record(click(i));
    await jest.advanceTimersByTimeAsync(CLICK_FLUSH_EVERY_MS);
    for (let i = 5; i < 8; i++) recorder.record(click(i));
    await jest.advanceTimersByTimeAsync(2_000);
    expect(repo.batches).toHaveLength(0);
    expect(recorder.stats().pending).toBe(8);
    const failures = recorder.stats().failedWrites;
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(failures).toBeLessThanOrEqual(5); // 250, 250, 500, 1000 ms apart: backing off, not spinning

    repo.failing = undefined;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(repo.written).toEqual(codes(0, 8));
    expect(recorder.stats()).toMatchObject({ pending: 0, recorded: 8, dropped: 0 });
  });

  it('holds at most CLICK_PENDING_MAX clicks and counts the ones it drops', async () => {
    repo.failing = connectionLost;
    for (let i = 0; i < CLICK_PENDING_MAX + 10; i++) recorder.record(click(i));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(recorder.stats()).toMatchObject({ pending: CLICK_PENDING_MAX, dropped: 10 });
    repo.failing = undefined;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(repo.written).toEqual(codes(0, CLICK_PENDING_MAX));
    expect(recorder.stats()).toMatchObject({ pending: 0, recorded: CLICK_PENDING_MAX, dropped: 10 });
  });

  it('drops a batch Postgres refuses as bad data instead of retrying it in front of the others', async () => {
    repo.failing = Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' });
    recorder.record(click(0));
    await jest.advanceTimersByTimeAsync(CLICK_FLUSH_EVERY_MS);
    repo.failing = undefined;
    recorder.record(click(1));
    await jest.advanceTimersByTimeAsync(CLICK_FLUSH_EVERY_MS);
    expect(repo.written).toEqual(['c1']);
    expect(recorder.stats()).toEqual({ pending: 0, recorded: 1, dropped: 1, failedWrites: 1 });
  });

  it('writes everything waiting when the module stops, in batches of at most 5,000', async () => {
    for (let i = 0; i < 7_000; i++) recorder.record(click(i));
    jest.useRealTimers();
    await recorder.onModuleDestroy();
    expect(repo.written).toEqual(codes(0, 7_000));
    expect(Math.max(...repo.batches.map((b) => b.length))).toBeLessThanOrEqual(5_000);
    expect(recorder.stats()).toMatchObject({ pending: 0, recorded: 7_000 });
  });

  it('counts what it could not write before stopping as lost', async () => {
    repo.failing = connectionLost;
    recorder.record(click(0));
    const stopping = recorder.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(6_000);
    await stopping;
    expect(recorder.stats()).toMatchObject({ pending: 0, recorded: 0, dropped: 1 });
  });
});
