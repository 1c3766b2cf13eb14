import { describe, expect, it } from '@jest/globals';
import { lastFullMinute, type JobMetrics } from './processed-jobs.util';

const MINUTE = 60_000;
const at = (minute: number, second = 0) => minute * MINUTE + second * 1_000;
const metrics = (count: number, prevTS: number, prevCount: number, data: number[] = []): JobMetrics => ({ meta: { count, prevTS, prevCount }, data });

describe(lastFullMinute.name, () => {
  it('is 0 before any job finished', () => {
    expect(lastFullMinute(metrics(0, 0, 0), at(100))).toBe(0);
  });

  it('takes the newest data point when a job already closed the minute before this one', () => {
    // 7 jobs in minute 99, closed by a job at 100:05; 3 jobs so far in minute 100.
    expect(lastFullMinute(metrics(10, at(100, 5), 7, [7, 4]), at(100, 40))).toBe(7);
  });

  it('counts the jobs since the last closing when nothing has closed the minute before this one yet', () => {
    // The last closing was at 99:05 (prevCount 7): the 3 jobs since then all finished in minute 99.
    expect(lastFullMinute(metrics(10, at(99, 5), 7, [7, 4]), at(100, 40))).toBe(3);
  });

  it('is 0 when the queue finished nothing in the minute before this one', () => {
    expect(lastFullMinute(metrics(10, at(97, 5), 7, [7, 4]), at(100, 40))).toBe(0);
    // A closing this minute after idle minutes pushed zeros for them.
    expect(lastFullMinute(metrics(11, at(100, 5), 10, [0, 0, 3]), at(100, 40))).toBe(0);
  });
});
