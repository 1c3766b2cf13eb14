/** How often the watch's timer is due; a tick later than this by more than `STALL_MS` is a stall. */
export const STALL_TICK_MS = 5;
/** A tick this much later than due counts as a stall (timers fire a millisecond or so late on their own). */
export const STALL_MS = 3;
/** Stalls are kept this long (a refusal asks about the few milliseconds around its window's first send). */
const KEEP_MS = 5_000;

/** When this process's event loop stood still: from when a tick was due (`from`) to when it ran (`to`). */
export interface Stall {
  readonly from: number;
  readonly to: number;
}

/**
 * When the simulator itself stood still. The simulator stamps a send when it gets to it, so a pause of its own
 * event loop (a collection, the machine's other processes holding both cores) makes sends that arrived during it
 * look as if they arrived together at its end: a throughput window then holds its `limit` sends in less than a
 * second although they left the sender on time. A provider far away stamps sends as they reach it; this one can
 * at least say when its own stamps were late, so a refusal tells which side it came from.
 *
 * A timer due every `STALL_TICK_MS` notes how late it ran; a tick more than `STALL_MS` late is a stall from when it
 * was due to when it ran. `note(now)` is the tick (tests call it with their own times; `start()` arms the timer).
 */
export class StallWatch {
  private stalls: Stall[] = [];
  private due: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private count = 0;
  private longest = 0;

  constructor(private readonly now: () => number = Date.now) {}

  start(): void {
    if (this.timer) return;
    this.due = performance.now() + STALL_TICK_MS;
    this.timer = setInterval(() => this.note(this.now(), performance.now()), STALL_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.due = undefined;
  }

  /**
   * One tick at `now` (the clock refusals are stamped with): a stall when it came more than `STALL_MS` after it was
   * due. Lateness is told on `monotonic` (the timer passes performance.now(); tests may leave it `now`), so a step of
   * the wall clock is not taken for a stall; the stall is placed on `now`'s clock, ending at the tick.
   */
  note(now: number, monotonic: number = now): void {
    const due = this.due ?? monotonic;
    this.due = monotonic + STALL_TICK_MS;
    const late = monotonic - due;
    if (late <= STALL_MS) return;
    this.count += 1;
    if (late > this.longest) this.longest = late;
    if (this.stalls.length > 0 && now - (this.stalls[0] as Stall).to > KEEP_MS) this.stalls = this.stalls.filter((s) => now - s.to <= KEEP_MS);
    this.stalls.push({ from: now - late, to: now });
  }

  /**
   * The longest stall that ended within [from, to], in ms (0 when none did). Sends that arrived while the loop stood
   * still were stamped right after its end: only a stall ending where a burst was stamped explains that burst (one
   * that ended earlier held nothing back that was stamped then). A stall is known from the tick that ran late, so it
   * may have begun up to a tick earlier than `from` says: the length is at least this.
   */
  longestEndingWithin(from: number, to: number): number {
    let longest = 0;
    for (const s of this.stalls) {
      if (s.to < from || s.to > to) continue;
      if (s.to - s.from > longest) longest = s.to - s.from;
    }
    return longest;
  }

  /** Stalls since the start (or the last `reset`): how many, and the longest in ms. */
  summary(): { stalls: number; longestMs: number } {
    return { stalls: this.count, longestMs: this.longest };
  }

  reset(): void {
    this.stalls = [];
    this.count = 0;
    this.longest = 0;
  }
}
