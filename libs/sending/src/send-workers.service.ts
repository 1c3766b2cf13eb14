import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';

/** How often a sending process says it is alive. */
export const SEND_WORKER_BEAT_MS = 1_000;
/**
 * A worker last seen at t is gone by t + this: it would have beaten twice more, with a second to spare for a busy
 * event loop. While it is stalled it starts no request either.
 */
export const SEND_WORKER_GONE_SECONDS = 3;
/** Nothing older matters: no send stays in doubt longer than the longest validity. */
const KEPT_SECONDS = MAX_VALIDITY_SECONDS + 86_400;
/** Prune old heartbeats about once an hour. */
const PRUNE_EVERY_BEATS = Math.round(3_600_000 / SEND_WORKER_BEAT_MS);

/**
 * This process claims sends: each claim names it (`claimed_by`), and it beats every SEND_WORKER_BEAT_MS on a
 * connection of its own (`send_workers`), so a beat never waits behind the pool's queries. When it dies with
 * requests out, the in-doubt rule knows when they were surely over — SEND_WORKER_GONE_SECONDS after its last beat —
 * and weighs only the webhooks received after that (StatusReceivers.receipts). A process that failed to record its
 * first beat claims all the same; its sends are held until a beat is recorded, which is the safe side.
 */
@Injectable()
export class SendWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SendWorkers.name);
  /** This process, as its claims name it. */
  readonly id = randomUUID();
  private runner: QueryRunner | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private beating = false;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), SEND_WORKER_BEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.runner?.release().catch(() => undefined);
    this.runner = undefined;
  }

  private async beat(): Promise<void> {
    if (this.beating) return; // the last one is still on its way: a later beat would say no more
    this.beating = true;
    try {
      if (!this.runner || this.runner.isReleased) {
        this.runner = this.db.createQueryRunner();
        await this.runner.connect();
      }
      await this.runner.query(
        `INSERT INTO send_workers (id, started_at, seen_at) VALUES ($1, now(), now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
        [this.id],
      );
      if (this.beats++ % PRUNE_EVERY_BEATS === 0) {
        await this.runner.query(`DELETE FROM send_workers WHERE seen_at < now() - make_interval(secs => $1)`, [KEPT_SECONDS]);
      }
    } catch (error) {
      this.logger.warn(`Could not record that this process is alive: ${(error as Error).message}`);
      // A broken connection is replaced at the next beat.
      await this.runner?.release().catch(() => undefined);
      this.runner = undefined;
    } finally {
      this.beating = false;
    }
  }
}
