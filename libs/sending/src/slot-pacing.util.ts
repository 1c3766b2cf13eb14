import { type ReservedSlots, slotClock, untilSlot } from './send-rate.limiter';

/**
 * Sends `items[i]` on slot i of `slots`, never before it. One that could only leave more than `slots.lateMs`
 * after its slot is not sent: it is handed back in `late`, for a fresh slot or the queue. Waits one slot at a time,
 * in order, rather than arming a timer per item: half the event-loop wake-ups at 1,000 msg/s, and whatever a stall
 * made due goes out in one turn.
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
): Promise<{ late: T[]; sent: Promise<void> }> {
  const late: T[] = [];
  const sending: Array<Promise<void>> = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as T;
    const due = slots.firstAt + i * slots.spacingMs;
    let now = slotClock();
    // Awaited only when the slot is ahead: a batch whose slots have all come (a stall, or a sender without a
    // practical limit, whose slots are microseconds apart) is gone through in one turn, without an await per item.
    if (now < due) {
      await untilSlot(due);
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
  return { late, sent };
}

/** Waits for every promise to settle, then rejects with the first failure, if any. */
export async function settleAll(promises: ReadonlyArray<Promise<void>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
