/**
 * A batch of due messages takes the slots of this long at the number's rate, and at most MAX_BATCH messages, as a
 * campaign chunk's batches do: 20 send jobs at once then book 4 s ahead at most, inside a message's 10-s slot horizon.
 */
const BATCH_SECONDS = 0.2;
const MAX_BATCH = 200;

/** How many due messages one send job takes on a number allowed `messagesPerSecond`; a request's list is enqueued in jobs of this many. */
export function messageBatchSize(messagesPerSecond: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(messagesPerSecond * BATCH_SECONDS)));
}
