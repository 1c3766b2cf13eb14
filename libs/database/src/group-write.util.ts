/**
 * Group commit for small writes that arrive concurrently and must each be durable before their caller answers (a
 * webhook is acknowledged only once its row is committed). Items added while a write is in flight wait and go
 * together in the next one, so under load one statement and one commit carry many rows; alone, an item goes in the
 * next event-loop turn (`setImmediate`: the requests read in the same turn go with it), so nothing waits for a timer.
 *
 * Why: a one-row INSERT and its commit cost Postgres ~200 µs of CPU on this project's benchmark machine (the WAL
 * flush of each commit included), ten rows in one statement ~40 µs a row, thirty ~20 µs (docs/BENCHMARKS.md,
 * "Webhook intake: group commit").
 *
 * `write` gets the items in the order they were added and must answer one result per item, in that order; when
 * it throws, every item of that write is rejected with its error (the caller decides, e.g. by writing the items
 * one by one, which of them it was). At most `maxInFlight` writes run at once, each of at most `maxItems` items.
 */
export class GroupWrite<I, O> {
  private queue: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly options: { maxItems: number; maxInFlight: number },
  ) {
    if (!(options.maxItems >= 1) || !(options.maxInFlight >= 1)) throw new RangeError('maxItems and maxInFlight must be at least 1');
  }

  /** Resolves with this item's result once the write carrying it has finished. */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled && this.inFlight < this.options.maxInFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Items waiting or being written (for tests and shutdown). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const batch = this.queue.length <= this.options.maxItems ? this.queue : this.queue.slice(0, this.options.maxItems);
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
      this.inFlight++;
      void this.run(batch);
    }
  }

  private async run(batch: Array<{ item: I; resolve: (value: O) => void; reject: (error: unknown) => void }>): Promise<void> {
    try {
      const results = await this.write(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`a group write answered ${results.length} results for ${batch.length} items`);
      for (let i = 0; i < batch.length; i++) batch[i]!.resolve(results[i]!);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      this.inFlight--;
      // What arrived meanwhile has waited a whole write already: it goes now, not a turn later.
      this.flush();
    }
  }
}
