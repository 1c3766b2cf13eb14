import { describe, expect, it } from '@jest/globals';
import { slotClock } from './send-rate.limiter';
import { DEPART_LEAD_MS, DEPART_SLICE_MS, sendOnSlots } from './slot-pacing.util';

/** Keeps the event loop busy for `ms` (a stall: GC, a long task, the process not scheduled). */
function stall(ms: number): void {
  const until = slotClock() + ms;
  while (slotClock() < until) {
    /* busy */
  }
}

describe('sendOnSlots', () => {
  it('sends each item on its slot, in order, never before it', async () => {
    const slots = { firstAt: slotClock() + 20, spacingMs: 3, lateMs: 50 };
    const sentAt: Array<{ item: number; at: number }> = [];
    const { late, sent } = await sendOnSlots([0, 1, 2, 3, 4], slots, async (item) => {
      sentAt.push({ item, at: slotClock() });
    });
    await sent;
    expect(late).toEqual([]);
    expect(sentAt.map((s) => s.item)).toEqual([0, 1, 2, 3, 4]);
    for (const { item, at } of sentAt) expect(at).toBeGreaterThanOrEqual(slots.firstAt + item * slots.spacingMs);
  });

  it('hands back the items a stall made late beyond the allowance, and sends the rest', async () => {
    const slots = { firstAt: slotClock() + 10, spacingMs: 10, lateMs: 8 };
    const sent: number[] = [];
    // Item 0's send stalls the loop for 30 ms: slots 1 and 2 (due 10 and 20 ms after slot 0) pass by more than
    // the allowance; the later ones are in time again.
    const { late, sent: answered } = await sendOnSlots([0, 1, 2, 3, 4, 5, 6, 7], slots, async (item) => {
      sent.push(item);
      if (item === 0) stall(30);
    });
    await answered;
    expect(late).toEqual(expect.arrayContaining([1, 2]));
    expect(sent[0]).toBe(0);
    expect([...sent, ...late].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('hands back the late ones when the last slot has come, before the sends have answered', async () => {
    // Wide margins: the suite runs two spec files at once on two cores, so the process may be scheduled late by
    // several milliseconds after the stall.
    const slots = { firstAt: slotClock() + 5, spacingMs: 30, lateMs: 30 };
    let answered = 0;
    const answers: Array<() => void> = [];
    const { late, sent } = await sendOnSlots([0, 1, 2, 3], slots, async (item) => {
      // Slot 1 passes by 45 ms or more, beyond the allowance; slot 2 by ~15 ms, within it.
      if (item === 0) stall(75);
      await new Promise<void>((resolve) => answers.push(resolve)); // the provider has not answered yet
      answered += 1;
    });
    expect(late).toEqual([1]);
    expect(answered).toBe(0); // back while the three sends are still in flight
    for (const answer of answers) answer();
    await sent;
    expect(answered).toBe(3);
  });

  it('waits for every send, and rejects with a failure only once it has waited for them', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const settled: number[] = [];
      const slots = { firstAt: slotClock() + 5, spacingMs: 10, lateMs: 50 };
      const { sent } = await sendOnSlots([0, 1, 2], slots, async (item) => {
        if (item === 0) throw new Error('provider unreachable');
        await new Promise((resolve) => setTimeout(resolve, 5));
        settled.push(item);
      });
      // The slots are over before the sends have answered; a failure comes only once all have.
      await new Promise((resolve) => setImmediate(resolve));
      await expect(sent).rejects.toThrow('provider unreachable');
      expect(settled).toEqual([1, 2]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  describe('with departures recorded first', () => {
    it('sends no item before the announcement covering it resolved, and announces a slice at a time, shortly before its slots', async () => {
      // 30 items 10 ms apart (300 ms of slots): slices of DEPART_SLICE_MS, each announced within DEPART_LEAD_MS of
      // its first slot (and not much earlier), recorded 3 ms later.
      const slots = { firstAt: slotClock() + 20, spacingMs: 10, lateMs: 200 };
      const items = Array.from({ length: 30 }, (_, i) => i);
      const recorded = new Set<number>();
      const announcedAt: Array<{ first: number; count: number; at: number }> = [];
      const sentBeforeRecorded: number[] = [];
      const { late, unrecorded, sent } = await sendOnSlots(
        items,
        slots,
        async (item) => {
          if (!recorded.has(item)) sentBeforeRecorded.push(item);
        },
        async (slice) => {
          announcedAt.push({ first: slice[0]!, count: slice.length, at: slotClock() });
          await new Promise((resolve) => setTimeout(resolve, 3));
          for (const item of slice) recorded.add(item);
          return true;
        },
      );
      await sent;
      expect([late, unrecorded, sentBeforeRecorded]).toEqual([[], [], []]);
      expect(announcedAt.reduce((n, a) => n + a.count, 0)).toBe(30); // each item once
      expect(announcedAt.length).toBeGreaterThanOrEqual(300 / (DEPART_SLICE_MS + DEPART_LEAD_MS)); // not all at once
      for (const a of announcedAt) {
        const due = slots.firstAt + a.first * slots.spacingMs;
        expect(a.at).toBeGreaterThanOrEqual(due - DEPART_LEAD_MS - 1); // not before the lead
      }
    });

    it('hands back unsent the items whose announcement failed, and sends the others', async () => {
      const slots = { firstAt: slotClock() + 5, spacingMs: 20, lateMs: 1_000 };
      const sent: number[] = [];
      let calls = 0;
      const result = await sendOnSlots(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        slots,
        async (item) => {
          sent.push(item);
        },
        async () => {
          // The second slice's write fails at once; the later ones take 150 ms, so none of them has covered the second
          // slice's items (a later write records the earlier ones too) by the time those are due.
          const n = ++calls;
          if (n === 2) return false;
          if (n > 2) await new Promise((resolve) => setTimeout(resolve, 150));
          return true;
        },
      );
      await result.sent;
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(result.unrecorded.length).toBeGreaterThan(0);
      expect([...sent, ...result.unrecorded].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(sent.some((item) => result.unrecorded.includes(item))).toBe(false);
      expect(sent[0]).toBe(0); // the first slice went
    });
  });
});
