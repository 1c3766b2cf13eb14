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

/** One batch's outcomes, filled by the pipeline as its answers come in. */
interface Batch {
  readonly workspaceId: string;
  readonly outcomes: SendOutcomes;
  /** The pipeline is done with it: the next write takes its last outcomes and settles `finished`. */
  done: boolean;
  /** Some of its sends were handed back to the queue. */
  released: boolean;
  /** A write of some of its outcomes failed: they stay `sending` (in doubt), and its chunk fails. */
  failure: { error: unknown } | null;
  settle?: { resolve: (released: boolean) => void; reject: (error: unknown) => void };
}

/** A batch being recorded while it is sent. */
export interface RecordedBatch {
  /** Where the pipeline puts the batch's outcomes (the checks' ones are taken over). */
  readonly outcomes: SendOutcomes;
  /**
   * The pipeline is done with the batch: resolves once every outcome of it is recorded, with whether some of its sends
   * were handed back to the queue; rejects when a write of any of them failed.
   */
  finished(): Promise<boolean>;
}

/**
 * Records campaign recipients' outcomes as they come in: the batches being sent anywhere in this worker process are
 * written together, one set-based write per workspace every RECORD_EVERY_MS and whenever a batch is finished (with
 * their `message.status` events in the same transaction when the workspace listens for them), instead of each batch
 * once its last answer is in.
 */
@Injectable()
export class RecipientOutcomes {
  private readonly logger = new Logger(RecipientOutcomes.name);
  private readonly open = new Set<Batch>();
  private timer: NodeJS.Timeout | null = null;
  private writing = false;

  constructor(
    private readonly recipients: RecipientRepository,
    private readonly outbox: CallbackOutbox,
  ) {}

  /** Starts recording a batch whose checks said `outcomes` (what the pipeline adds to them is recorded as it comes). */
  track(workspaceId: string, outcomes: SendOutcomes): RecordedBatch {
    const batch: Batch = { workspaceId, outcomes, done: false, released: false, failure: null };
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

  /** Takes every outcome in hand, writes them per workspace, and settles the batches that were done before it began. */
  private async write(): Promise<void> {
    this.timer = null;
    this.writing = true;
    const finishing: Batch[] = [];
    const byWorkspace = new Map<string, { outcomes: SendOutcomes; batches: Batch[] }>();
    for (const batch of this.open) {
      if (batch.done) {
        finishing.push(batch);
        this.open.delete(batch);
      }
      const taken = take(batch.outcomes);
      if (taken === null) continue;
      if (taken.released.length > 0) batch.released = true;
      let group = byWorkspace.get(batch.workspaceId);
      if (!group) byWorkspace.set(batch.workspaceId, (group = { outcomes: emptyOutcomes(), batches: [] }));
      append(group.outcomes, taken);
      group.batches.push(batch);
    }
    await Promise.all(
      [...byWorkspace].map(([workspaceId, group]) =>
        this.record(workspaceId, group.outcomes).catch((error: unknown) => {
          this.logger.error(`recording ${count(group.outcomes)} recipients' outcomes failed: ${String(error)}`);
          for (const batch of group.batches) batch.failure ??= { error };
        }),
      ),
    );
    for (const batch of finishing) {
      if (batch.failure) batch.settle?.reject(batch.failure.error);
      else batch.settle?.resolve(batch.released);
    }
    this.writing = false;
    if ([...this.open].some((b) => b.done)) this.writeSoon();
    else this.schedule();
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
