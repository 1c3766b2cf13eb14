import { type ReservedSlots, slotClock, untilSlot } from './send-rate.limiter';

/**
 * How far ahead of their slots items are announced (`depart`), and how many milliseconds of slots one announcement
 * covers: one write about every DEPART_SLICE_MS while a batch sends, and a worker that dies leaves at most about
 * DEPART_LEAD_MS + DEPART_SLICE_MS of slots announced and not sent (rule 5 of docs/adr/0009-sends-in-doubt.md). The
 * lead is what a write may take before the first send of its slice waits for it: at 50 ms a loaded machine (the test
 * suite on two cores) sometimes took longer, and the sends behind a late write then left in one burst.
 */
export const DEPART_LEAD_MS = 100;
export const DEPART_SLICE_MS = 50;

/**
 * Sends `items[i]` on slot i of `slots`, never before it. One that could only leave more than `slots.lateMs`
 * after its slot is not sent: it is handed back in `late`, for a fresh slot or the queue. Waits one slot at a time,
 * in order, rather than arming a timer per item: half the event-loop wake-ups at 1,000 msg/s, and whatever a stall
 * made due goes out in one turn.
 *
 * With `depart`, no item is sent before the announcement covering it has resolved true: items are announced a
 * slice at a time (the ones due within DEPART_SLICE_MS of the first not yet announced), once the first of the
 * slice is due within DEPART_LEAD_MS; the next slice is announced while the current one waits for its slots. An
 * item whose announcement resolved false is not sent: handed back in `unrecorded`.
 *
 * Resolves as soon as the last slot has come — not when the sends have answered, a provider's latency later — so
 * the late ones can take fresh slots at once: handed back only after the answers, they left one latency after the
 * rest of the run and made its tail (docs/BENCHMARKS.md, provider latency). `sent` settles once every send made here
 * has, rejecting with the first failure only then (so no send is still in flight when the caller gives up, and one
 * that fails while later slots are awaited is not an unhandled rejection); await it (or `settleAll`) before using
 * what the sends produced.
 */
export async function sendOnSlots<T>(
  items: readonly T[],
  slots: ReservedSlots,
  send: (item: T) => Promise<void>,
  depart?: (items: readonly T[]) => Promise<boolean>,
): Promise<{ late: T[]; unrecorded: T[]; sent: Promise<void> }> {
  const late: T[] = [];
  const unrecorded: T[] = [];
  const sending: Array<Promise<void>> = [];
  const dueOf = (i: number): number => slots.firstAt + i * slots.spacingMs;
  // items[0..announced) are announced: announcement k covers items up to ends[k] (exclusive). Each write records
  // everything announced before it, so one that succeeded covers the slices before it too (`recordedTo`).
  let announced = 0;
  let recordedTo = 0;
  const ends: number[] = [];
  const covers: Array<Promise<boolean>> = [];
  let head = 0;
  /** Announces the slice from `announced` if its first item is due within DEPART_LEAD_MS of `now`. */
  const announce = (now: number): void => {
    if (depart === undefined || announced >= items.length || dueOf(announced) > now + DEPART_LEAD_MS) return;
    const until = Math.max(dueOf(announced), now) + DEPART_SLICE_MS;
    let end = announced + 1;
    while (end < items.length && dueOf(end) <= until) end++;
    const cover = depart(items.slice(announced, end)).catch(() => false);
    void cover.then((ok) => {
      if (ok) recordedTo = Math.max(recordedTo, end);
    });
    ends.push(end);
    covers.push(cover);
    announced = end;
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const due = dueOf(i);
    if (depart !== undefined) {
      // Its own slice, not before the lead; and the next one, announced while this item waits for its slot.
      if (i >= announced) await untilSlot(due - DEPART_LEAD_MS);
      announce(slotClock());
      if (announced < items.length && dueOf(announced) - DEPART_LEAD_MS < due) {
        await untilSlot(dueOf(announced) - DEPART_LEAD_MS);
        announce(slotClock());
      }
    }
    let now = slotClock();
    // Awaited only when the slot is ahead: a batch whose slots have all come (a stall, or a sender without a
    // practical limit, whose slots are microseconds apart) is gone through in one turn, without an await per item.
    if (now < due) {
      await untilSlot(due);
      now = slotClock();
    }
    if (depart !== undefined && i >= recordedTo) {
      while ((ends[head] as number) <= i) head++;
      if (!(await (covers[head] as Promise<boolean>))) {
        unrecorded.push(item);
        continue;
      }
      now = slotClock();
    }
    if (now - due > slots.lateMs) {
      late.push(item);
      continue;
    }
    const sent = send(item);
    sent.catch(() => undefined);
    sending.push(sent);
  }
  const sent = settleAll(sending);
  sent.catch(() => undefined); // handled by whoever awaits it; not an unhandled rejection meanwhile
  return { late, unrecorded, sent };
}

/** Waits for every promise to settle, then rejects with the first failure, if any. */
export async function settleAll(promises: ReadonlyArray<Promise<void>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
