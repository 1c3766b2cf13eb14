import { describe, expect, it } from '@jest/globals';
import { ClockOffset } from './clock-offset.util';

describe(ClockOffset.name, () => {
  it('bounds the offset by one round trip', () => {
    // Remote clock 1000 ms ahead; the remote read its clock 2 ms into a 5 ms round trip.
    expect(new ClockOffset().add(10, 1012, 15)).toEqual({ lo: 997, hi: 1002 });
  });

  it('narrows to the intersection of the samples: one fast round trip is enough', () => {
    const offset = new ClockOffset();
    offset.add(0, 1004, 8); // [996, 1004]
    offset.add(100, 1100.4, 100.5); // [999.9, 1000.4]
    const bounds = offset.add(200, 1209, 215); // [994, 1009]
    expect(bounds.lo).toBeCloseTo(999.9, 9);
    expect(bounds.hi).toBeCloseTo(1000.4, 9);
  });

  it('follows a stepped clock: intervals that no longer overlap the newest are dropped', () => {
    const offset = new ClockOffset();
    offset.add(0, 1000.5, 1); // [999.5, 1000.5]
    // The remote clock stepped 50 ms forward.
    const bounds = offset.add(100, 1150.5, 101); // [1049.5, 1050.5]
    expect(bounds).toEqual({ lo: 1049.5, hi: 1050.5 });
  });

  it('forgets samples older than its horizon and keeps at most its sample count', () => {
    const aged = new ClockOffset(32, 1_000);
    aged.add(0, 1000.1, 0.2); // tight, but too old by the next call
    expect(aged.add(5_000, 6004, 5_008)).toEqual({ lo: 996, hi: 1004 });

    const few = new ClockOffset(2, 60_000);
    few.add(0, 1004, 8); // wide: the first to go
    few.add(10, 1010.1, 10.2); // tight: kept however many slow ones follow
    few.add(20, 1024, 28);
    const bounds = few.add(30, 1034, 38);
    expect(bounds.lo).toBeCloseTo(999.9, 9);
    expect(bounds.hi).toBeCloseTo(1000.1, 9);
  });

  it('keeps the newest sample when forgetting one, so a stepped clock is still noticed', () => {
    const offset = new ClockOffset(2, 60_000);
    offset.add(0, 1000.1, 0.2); // tight: [999.9, 1000.1]
    offset.add(10, 1010.5, 11); // [999.5, 1000.5]
    // The remote clock stepped 50 ms forward: the newest is the widest, yet it stays and the others give way.
    expect(offset.add(20, 1074, 28)).toEqual({ lo: 1046, hi: 1054 });
  });

  it('knows nothing before the first sample', () => {
    expect(new ClockOffset().bounds()).toEqual({ lo: -Infinity, hi: Infinity });
  });

  it('refuses an answer before its question', () => {
    expect(() => new ClockOffset().add(10, 0, 9)).toThrow(RangeError);
  });
});
