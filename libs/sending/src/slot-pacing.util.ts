import { type ReservedSlots, slotClock, untilSlot } from './send-rate.limiter';

/**
 * Sends `items[i]` on slot i of `slots`, never before it. One that could only leave more than `slots.lateMs`
 * after its slot is not sent: it is returned, for a fresh slot or the queue. Waits one slot at a time, in
 * order, rather than arming a timer per item: half the event-loop wake-ups at 1,000 msg/s, and whatever a stall
 * made due goes out in one turn. Settles once every send has: rejects with the first failure then (so no send
 * is still in flight when the caller gives up, and one that fails while later slots are awaited is not an
 * unhandled rejection).
 */
export async function sendOnSlots<T>(
  items: readonly T[],
  slots: ReservedSlots,
  send: (item: T) => Promise<void>,
): Promise<{ late: T[] }> {
  const late: T[] = [];
  const sending: Array<Promise<void>> = [];
  for (const [i, item] of items.entries()) {
    const due = slots.firstAt + i * slots.spacingMs;
    await untilSlot(due);
    if (slotClock() - due > slots.lateMs) {
      late.push(item);
      continue;
    }
    const sent = send(item);
    sent.catch(() => undefined);
    sending.push(sent);
  }
  const failed = (await Promise.allSettled(sending)).find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return { late };
}
