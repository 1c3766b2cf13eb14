import { Injectable, Logger } from '@nestjs/common';
import { CallbackOutbox } from '@herald/callbacks';
import { emptyOutcomes, sendStatusEvents, type SendOutcomes } from '@herald/sending';
import { RecipientRepository } from './recipient.repository';

/**
 * How often what the provider answered is written to Postgres while batches are being sent. A send the provider took
 * but Herald has not recorded looks, after a crash, like one it never got: both are `sending` and in doubt (ADR 0009).
 * Recorded only when a whole batch had answered, a worker killed with eight batches out left every answered send of
 * them in doubt — 1,600 at 1,000 msg/s — and during a webhook outage those were sent again. Written every 100 ms, the
 * doubt is the requests on the wire (rate × provider latency) and at most this long of answers. A batch whose last
 * answer is in is written at once (its chunk waits for it); the writes take every answer in hand in the process, so
 * there are no more of them than batches, plus one per tick while batches are out.
 */
export const RECORD_EVERY_MS = 100;

/** A write that failed (after the repository's own retries, ~30 s) is tried once more with the next one, then given up. */
const WRITE_TRIES = 2;

/** One batch's outcomes, filled by the pipeline as its answers come in. */
interface Batch {
  readonly outcomes: SendOutcomes;
  /** The pipeline is done with it: the next write takes its last outcomes and settles `finished`. */
  done: boolean;
  /** Some of its sends were handed back to the queue. */
  released: boolean;
  /** Writes of its outcomes that failed. */
  failedWrites: number;
  /** Outcomes given up after WRITE_TRIES: they stay `sending` (in doubt), and its chunk fails. */
  failure: { error: unknown } | null;
  settle?: { resolve: (released: boolean) => void; reject: (error: unknown) => void };
}

/** A batch being recorded while it is sent. */
export interface RecordedBatch {
  /** Where the pipeline puts the batch's outcomes (the checks' ones are taken over). */
  readonly outcomes: SendOutcomes;
  /**
   * The pipeline is done with the batch: resolves once every outcome of it is recorded, with whether some of its sends
   * were handed back to the queue; rejects when some could not be written.
   */
  finished(): Promise<boolean>;
}

/**
 * Records campaign recipients' outcomes as they come in: the batches being sent anywhere in this worker process are
 * written together per workspace, one set-based write every RECORD_EVERY_MS and whenever a batch is finished (with
 * their `message.status` events in the same transaction when the workspace listens for them), instead of each batch
 * once its last answer is in. Each workspace has a writer of its own, so a slow or failing write (a lock, Postgres
 * away) holds up that workspace's chunks only.
 */
@Injectable()
export class RecipientOutcomes {
  private readonly logger = new Logger(RecipientOutcomes.name);
  private readonly writers = new Map<string, WorkspaceWriter>();

  constructor(
    private readonly recipients: RecipientRepository,
    private readonly outbox: CallbackOutbox,
  ) {}

  /** Starts recording a batch whose checks said `outcomes` (what the pipeline adds to them is recorded as it comes). */
  track(workspaceId: string, outcomes: SendOutcomes): RecordedBatch {
    let writer = this.writers.get(workspaceId);
    if (!writer) {
      writer = new WorkspaceWriter(
        (o) => this.record(workspaceId, o),
        (error, n) => this.logger.error(`workspace ${workspaceId}: recording ${n} recipients' outcomes failed: ${String(error)}`),
        () => this.writers.delete(workspaceId),
      );
      this.writers.set(workspaceId, writer);
    }
    return writer.track(outcomes);
  }

  /**
   * Records outcomes; when the workspace listens for `message.status`, the changes' events are written to the callback
   * outbox in the same transaction (one more query to ask; nothing more when nobody listens).
   */
  private async record(workspaceId: string, outcomes: SendOutcomes): Promise<void> {
    // Asking who listens may fail (Postgres away for a moment): then the outcome takes the path with events, which
    // retries as a whole, rather than failing the record.
    const listened = await this.outbox.subscribed([workspaceId], 'message.status').then(
      (set) => set.size > 0,
      () => true,
    );
    if (!listened) return this.recipients.record(outcomes);
    await this.recipients.recordWithEvents(outcomes, (manager, rows) => this.outbox.record(manager, sendStatusEvents(rows)));
  }
}

/** One workspace's open batches and their writes: one write at a time, on the tick or when a batch is finished. */
class WorkspaceWriter {
  private readonly open = new Set<Batch>();
  private timer: NodeJS.Timeout | null = null;
  private writing = false;

  constructor(
    private readonly record: (outcomes: SendOutcomes) => Promise<void>,
    private readonly failed: (error: unknown, count: number) => void,
    private readonly idle: () => void,
  ) {}

  track(outcomes: SendOutcomes): RecordedBatch {
    const batch: Batch = { outcomes, done: false, released: false, failedWrites: 0, failure: null };
    this.open.add(batch);
    this.schedule();
    return {
      outcomes,
      finished: () => {
        batch.done = true;
        const settled = new Promise<boolean>((resolve, reject) => (batch.settle = { resolve, reject }));
        // Its chunk waits for it (for room for its next batch, or to see what is left at its end): written now, or
        // right after the write under way, rather than at the next tick — with every answer in hand of the others.
        if (!this.writing) this.writeSoon();
        return settled;
      },
    };
  }

  private schedule(): void {
    if (this.timer !== null || this.writing || this.open.size === 0) return;
    this.timer = setTimeout(() => void this.write(), RECORD_EVERY_MS);
    this.timer.unref();
  }

  private writeSoon(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.write(), 0);
    this.timer.unref();
  }

  /** Takes every outcome in hand, writes them, and settles the finished batches whose outcomes are all written. */
  private async write(): Promise<void> {
    this.timer = null;
    this.writing = true;
    try {
      const pieces: Array<{ batch: Batch; taken: SendOutcomes }> = [];
      const finishing = [...this.open].filter((b) => b.done);
      const all = emptyOutcomes();
      for (const batch of this.open) {
        const taken = take(batch.outcomes);
        if (taken === null) continue;
        if (taken.released.length > 0) batch.released = true;
        append(all, taken);
        pieces.push({ batch, taken });
      }
      if (pieces.length > 0) {
        try {
          await this.record(all);
        } catch (error) {
          this.failed(error, count(all));
          for (const { batch, taken } of pieces) {
            // Tried again with the next write (the statements change nothing the second time), then given up: those
            // recipients stay `sending`, in doubt, and the chunk fails as a record that failed always did.
            if (++batch.failedWrites < WRITE_TRIES) append(batch.outcomes, taken);
            else batch.failure ??= { error };
          }
        }
      }
      for (const batch of finishing) {
        if (batch.failure === null && count(batch.outcomes) > 0) continue; // put back: settled by a later write
        this.open.delete(batch);
        if (batch.failure) batch.settle?.reject(batch.failure.error);
        else batch.settle?.resolve(batch.released);
      }
    } finally {
      this.writing = false;
      if ([...this.open].some((b) => b.done)) this.writeSoon();
      else if (this.open.size > 0) this.schedule();
      else this.idle();
    }
  }
}

const KINDS = Object.keys(emptyOutcomes()) as Array<keyof SendOutcomes>;

/** Empties `from` into new outcomes; null when it held nothing. */
function take(from: SendOutcomes): SendOutcomes | null {
  if (KINDS.every((k) => from[k].length === 0)) return null;
  const taken = emptyOutcomes();
  append(taken, from);
  for (const k of KINDS) from[k].length = 0;
  return taken;
}

function append(into: SendOutcomes, from: SendOutcomes): void {
  for (const k of KINDS) (into[k] as unknown[]).push(...from[k]);
}

function count(outcomes: SendOutcomes): number {
  return KINDS.reduce((n, k) => n + outcomes[k].length, 0);
}
