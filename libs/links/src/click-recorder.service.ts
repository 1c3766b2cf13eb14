import { Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { CallbackOutbox, type CallbackEventInput } from '@herald/callbacks';
import { LinkRepository } from './link.repository';
import type { PendingClick } from './links.types';

/** How long a click waits in memory at most before its batch is written (when fewer than FLUSH_AT arrive). */
export const CLICK_FLUSH_EVERY_MS = 250;
/** A batch is written as soon as this many clicks wait. */
export const CLICK_FLUSH_AT = 1_000;
/** Most clicks one statement writes (a backlog after an outage is written in batches of this size). */
const CLICK_BATCH_MAX = 5_000;
/**
 * Most clicks kept in memory while Postgres does not take them: about 15 MB with typical user agents (60 MB at the
 * 512-character cap). At 5,000 clicks/s that is 10 s of clicks; beyond it new clicks are dropped and counted.
 */
export const CLICK_PENDING_MAX = 50_000;
const RETRY_MAX_MS = 5_000;
const WARN_EVERY_MS = 10_000;
/** How long stopping may take to write what waits. */
const DRAIN_MS = 5_000;

/** What the recorder did since the process started (for logs, metrics and the benchmark). */
export interface ClickRecorderStats {
  /** Waiting in memory or being written now. */
  readonly pending: number;
  readonly recorded: number;
  /** Lost: dropped while the buffer was full, refused by Postgres as bad data, or still waiting when the process stopped. */
  readonly dropped: number;
  /** Batch writes that failed (and were retried, unless counted in `dropped`). */
  readonly failedWrites: number;
}

/** A failure no retry fixes: SQLSTATE class 22 (data exception) or 23 (integrity constraint). */
function isPermanent(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Records clicks without making anyone wait: the redirect hands its click here and answers; clicks wait in memory
 * and are written in batches, one `INSERT … SELECT FROM unnest` each, every CLICK_FLUSH_EVERY_MS or as soon as
 * CLICK_FLUSH_AT wait, one batch at a time.
 *
 * What can be lost, and why that is acceptable (clicks are analytics; no send depends on them):
 * - the process dying without stopping (SIGKILL, OOM, power): the clicks of its last ≤ 250 ms (≤ 1,000 clicks). A
 *   stop (SIGTERM, `app.close()`) writes everything first, for up to 5 s.
 * - Postgres down: batches are kept and retried (backoff 250 ms doubling to 5 s) in order; the buffer holds
 *   CLICK_PENDING_MAX clicks, beyond which new clicks are dropped. Drops are counted (`stats()`) and logged as a
 *   warning at most every 10 s.
 * - a batch Postgres refuses as bad data is dropped and logged, rather than retried forever in front of the others.
 * A batch whose commit succeeded but whose acknowledgement was lost (the connection cut at that instant) is written
 * again by the retry: its clicks are then counted twice. Nothing else counts a click twice.
 */
@Injectable()
export class ClickRecorder implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ClickRecorder.name);
  private pending: PendingClick[] = [];
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private writing?: Promise<boolean>;
  private failuresInARow = 0;
  private recorded = 0;
  private dropped = 0;
  private failedWrites = 0;
  private lastWarnAt = 0;
  private droppedSinceWarn = 0;

  constructor(
    private readonly links: LinkRepository,
    @Optional() private readonly outbox?: CallbackOutbox,
  ) {}

  /**
   * Writes a batch; when a workspace listens for \`message.clicked\`, its clicks' events go to the callback outbox in
   * the same transaction (one query per batch to ask).
   */
  private async write(batch: readonly PendingClick[]): Promise<void> {
    const listening = this.outbox ? await this.outbox.subscribed(new Set(batch.map((c) => c.workspaceId)), 'message.clicked') : new Set<string>();
    if (listening.size === 0) return this.links.insertClicks(batch);
    const events: CallbackEventInput[] = batch
      .filter((c) => listening.has(c.workspaceId))
      .map((c) => ({
        workspaceId: c.workspaceId,
        type: 'message.clicked',
        occurredAt: c.clickedAt,
        data: { messageId: c.sendRef, runId: c.runId, linkCode: c.code, url: c.destination ?? null, clickedAt: c.clickedAt.toISOString(), userAgent: c.userAgent },
      }));
    await this.links.transaction(async (manager) => {
      await this.links.insertClicks(batch, manager);
      await this.outbox!.record(manager, events);
    });
  }

  /** Queues one click; never throws, never waits. */
  record(click: PendingClick): void {
    if (this.pending.length + this.inFlight >= CLICK_PENDING_MAX) {
      this.dropped += 1;
      this.droppedSinceWarn += 1;
      this.warnSometimes('click buffer full');
      return;
    }
    this.pending.push(click);
    if (this.pending.length >= CLICK_FLUSH_AT && this.failuresInARow === 0) this.schedule(0);
    else this.schedule(CLICK_FLUSH_EVERY_MS);
  }

  stats(): ClickRecorderStats {
    return { pending: this.pending.length + this.inFlight, recorded: this.recorded, dropped: this.dropped, failedWrites: this.failedWrites };
  }

  /** Writes every click waiting now (and any still being written); resolves false when Postgres did not take them. */
  async flush(): Promise<boolean> {
    this.cancelTimer();
    while (this.writing) await this.writing;
    while (this.pending.length > 0) if (!(await this.writeBatch())) return false;
    return true;
  }

  async onModuleDestroy(): Promise<void> {
    await this.drain();
  }

  /** Clicks of requests answered after the first drain (the HTTP server closes after the module hooks). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  /** Stopping: write what waits, retrying for up to DRAIN_MS; what is still unwritten then is lost and logged. */
  private async drain(): Promise<void> {
    const deadline = Date.now() + DRAIN_MS;
    for (;;) {
      if (await this.flush()) return;
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, Math.min(this.retryDelay(), Math.max(0, deadline - Date.now()))));
    }
    this.cancelTimer();
    const lost = this.pending.length;
    this.pending = [];
    this.dropped += lost;
    this.logger.error(`stopping with ${lost} clicks Postgres did not take: they are lost (${this.dropped} lost since start)`);
  }

  /** Arms the timer for the next write, unless one is armed or a write is running (it re-arms when done). */
  private schedule(delayMs: number): void {
    if (this.writing) return;
    if (this.timer) {
      if (delayMs > 0) return;
      this.cancelTimer();
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.writeBatch();
    }, delayMs);
    // The HTTP server keeps the process alive; a pending write must not keep a stopped one (stopping drains instead).
    this.timer.unref();
  }

  private afterWrite(): void {
    if (this.pending.length === 0) return;
    if (this.failuresInARow > 0) this.schedule(this.retryDelay());
    else this.schedule(this.pending.length >= CLICK_FLUSH_AT ? 0 : CLICK_FLUSH_EVERY_MS);
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private retryDelay(): number {
    return Math.min(RETRY_MAX_MS, CLICK_FLUSH_EVERY_MS * 2 ** Math.max(0, this.failuresInARow - 1));
  }

  /**
   * Writes the oldest batch, after the write running now if any (one at a time, in order); true when written (or
   * dropped as bad data), false when to be retried. Arms the next write when clicks are left.
   */
  private writeBatch(): Promise<boolean> {
    if (this.writing) return this.writing.then(() => this.writeBatch());
    const batch = this.pending.splice(0, CLICK_BATCH_MAX);
    if (batch.length === 0) return Promise.resolve(true);
    this.inFlight = batch.length;
    const writing = this.write(batch)
      .then(() => {
        this.recorded += batch.length;
        if (this.failuresInARow > 0) this.logger.log(`clicks are written again after ${this.failuresInARow} failed attempts`);
        this.failuresInARow = 0;
        return true;
      })
      .catch((error: unknown) => {
        this.failedWrites += 1;
        if (isPermanent(error)) {
          this.dropped += batch.length;
          this.logger.error(`a batch of ${batch.length} clicks was refused and dropped: ${messageOf(error)}`);
          return true;
        }
        this.failuresInARow += 1;
        this.pending = batch.concat(this.pending);
        this.warnSometimes(`writing clicks failed (${messageOf(error)}); retrying`);
        return false;
      })
      .then((done) => {
        this.inFlight = 0;
        this.writing = undefined;
        this.afterWrite();
        return done;
      });
    this.writing = writing;
    return writing;
  }

  private warnSometimes(what: string): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_EVERY_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(
      `${what}: ${this.pending.length + this.inFlight} clicks waiting, ${this.droppedSinceWarn} dropped since the last warning (${this.dropped} since start)`,
    );
    this.droppedSinceWarn = 0;
  }
}
