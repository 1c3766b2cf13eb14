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

/** A send-message job as `JobQueue.addBulk` takes it. */
export interface SendMessageJob {
  readonly data: { messageId: string; with?: string[] };
  readonly jobId: string;
  readonly delay?: number;
}

/**
 * The send-message jobs for messages of **one channel** that may go together (the same delay): `perJob` to a job,
 * named by its first message (`jobIdOf`), the rest going `with` it (MessageSender.sendDue takes them in one batch).
 */
export function sendMessageJobs(ids: readonly string[], perJob: number, jobIdOf: (messageId: string) => string, delay = 0): SendMessageJob[] {
  const jobs: SendMessageJob[] = [];
  for (let first = 0; first < ids.length; first += perJob) {
    const [messageId, ...others] = ids.slice(first, first + perJob) as [string, ...string[]];
    jobs.push({ data: { messageId, ...(others.length > 0 ? { with: others } : {}) }, jobId: jobIdOf(messageId), ...(delay > 0 ? { delay } : {}) });
  }
  return jobs;
}
