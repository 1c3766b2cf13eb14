/**
 * A time-bucketed queue: items due at a time go into the bucket of that time (`resolutionMs` wide), and one
 * repeating timer hands every item of each bucket that has come due to `onDue`, in bucket order (items of one
 * bucket in the order they were scheduled). Tens of thousands of pending items cost one timer, not one each.
 * An item scheduled in the past runs on the next tick. `runDue(now)` does one tick by hand (tests use it with
 * an injected clock and `autoStart: false`).
 */
export class TimerWheel<T> {
  private readonly buckets = new Map<number, T[]>();
  /** The last bucket handed out; everything at or before it has run. */
  private cursor: number;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly onDue: (item: T) => void,
    private readonly options: {
      resolutionMs?: number;
      now?: () => number;
      autoStart?: boolean;
      /** Told about an item whose `onDue` threw (default: a process warning). */
      onError?: (error: unknown) => void;
    } = {},
  ) {
    this.cursor = this.bucketOf(this.now()) - 1;
  }

  get size(): number {
    return this.pending;
  }

  schedule(atMs: number, item: T): void {
    if (this.stopped) return;
    if (this.pending === 0) this.cursor = Math.max(this.cursor, this.bucketOf(this.now()) - 1);
    const bucket = Math.max(this.bucketOf(atMs), this.cursor + 1);
    const list = this.buckets.get(bucket);
    if (list) list.push(item);
    else this.buckets.set(bucket, [item]);
    this.pending += 1;
    this.ensureTimer();
  }

  /** Hands out every item due at `now`; returns how many. An exception in `onDue` does not stop the others. */
  runDue(now: number = this.now()): number {
    const last = this.bucketOf(now);
    let ran = 0;
    while (this.cursor < last && this.pending > 0) {
      this.cursor += 1;
      const list = this.buckets.get(this.cursor);
      if (!list) continue;
      this.buckets.delete(this.cursor);
      this.pending -= list.length;
      for (const item of list) {
        ran += 1;
        try {
          this.onDue(item);
        } catch (error) {
          if (this.options.onError) this.options.onError(error);
          else process.emitWarning(`timer wheel item failed: ${String(error)}`);
        }
      }
    }
    if (this.pending === 0) this.cursor = Math.max(this.cursor, last);
    return ran;
  }

  /** Drops every pending item. */
  clear(): void {
    this.buckets.clear();
    this.pending = 0;
    this.disarm();
  }

  /** Drops every pending item and refuses new ones. */
  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private ensureTimer(): void {
    if (this.timer || this.options.autoStart === false) return;
    this.timer = setInterval(() => {
      this.runDue();
      if (this.pending === 0) this.disarm();
    }, this.resolution());
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private resolution(): number {
    return this.options.resolutionMs ?? 10;
  }

  private bucketOf(ms: number): number {
    return Math.floor(ms / this.resolution());
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
