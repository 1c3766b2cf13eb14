import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CallbackDeliverer, CallbackOutbox } from '@herald/callbacks';
import { CALLBACK_JOB_SLOTS } from '@herald/queues';

/** How often each worker looks for due deliveries without a job. */
export const CALLBACK_SWEEP_EVERY_MS = 1_000;

/**
 * Every second: the endpoints (and workspaces' per-send URLs) with a due delivery get their delivery job. This covers
 * retries coming due, jobs lost with Redis, kicks that failed, and the instant a running job ended as a new event
 * came in. One cheap query (an index probe per endpoint); enqueueing under fixed job ids, so N workers sweeping
 * enqueue nothing twice.
 */
@Injectable()
export class CallbackSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CallbackSweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private lastWarnAt = 0;

  constructor(
    private readonly deliverer: CallbackDeliverer,
    private readonly outbox: CallbackOutbox,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), CALLBACK_SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const targets = await this.deliverer.dueTargets();
      // Every slot: a target whose first job is held by a worker that died (active in Redis until BullMQ sees it
      // stalled, ~30 s) is taken up through its other slot as soon as its deliveries' lease has passed.
      await this.outbox.enqueue(targets, CALLBACK_JOB_SLOTS);
      return targets.length;
    } catch (error) {
      if (Date.now() - this.lastWarnAt > 10_000) {
        this.lastWarnAt = Date.now();
        this.logger.warn(`callback sweep failed: ${(error as Error).message}`);
      }
      return 0;
    } finally {
      this.running = false;
    }
  }
}
