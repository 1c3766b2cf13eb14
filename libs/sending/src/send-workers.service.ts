import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';

/** How often a sending process says it is alive. */
export const SEND_WORKER_BEAT_MS = 1_000;
/**
 * A worker last seen at t is gone by t + this, for the in-doubt rule: it sends nothing unless a beat it began under
 * SEND_WORKER_FRESH_MS ago was recorded (`fresh`), so no request of it leaves after its last recorded beat + that.
 */
export const SEND_WORKER_GONE_SECONDS = 3;
/** A request leaves only while the last recorded beat was begun less than this ago; a second short of gone. */
export const SEND_WORKER_FRESH_MS = SEND_WORKER_GONE_SECONDS * 1_000 - 1_000;
/** A beat that takes longer is abandoned (and its connection dropped): a stuck beat must not look like a live one. */
const BEAT_TIMEOUT_MS = 1_000;
/** Nothing older matters: no send stays in doubt longer than the longest validity. */
const KEPT_SECONDS = MAX_VALIDITY_SECONDS + 86_400;
/** Prune old heartbeats about once an hour. */
const PRUNE_EVERY_BEATS = Math.round(3_600_000 / SEND_WORKER_BEAT_MS);

/**
 * This process claims sends: each claim names it (`claimed_by`), and it beats every SEND_WORKER_BEAT_MS into
 * `send_workers` on a connection of its own, outside the pool (a beat never waits behind the pool's queries, and a
 * stuck one times out). When it dies with requests out, the in-doubt rule knows when they were surely over —
 * SEND_WORKER_GONE_SECONDS after its last beat — and weighs only the webhooks received after that
 * (StatusReceivers.receipts). It fences itself to keep that true: while its last recorded beat is older than
 * SEND_WORKER_FRESH_MS (Postgres slow or away, the first beat not yet in), the send pipeline hands its claims back
 * unsent (`fresh`).
 */
@Injectable()
export class SendWorkers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SendWorkers.name);
  /** This process, as its claims name it. */
  readonly id = randomUUID();
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beats = 0;
  private beating = false;
  private stopped = false;
  /** performance.now() when the last beat that was recorded began; -Infinity before the first. */
  private lastBeatBegunAt = Number.NEGATIVE_INFINITY;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Whether a request may leave now: the in-doubt rule will not count this process gone before it is over. */
  fresh(): boolean {
    return performance.now() - this.lastBeatBegunAt < SEND_WORKER_FRESH_MS;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), SEND_WORKER_BEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.dropClient();
  }

  private async beat(): Promise<void> {
    if (this.beating || this.stopped) return; // the last one is still on its way (it times out within a second)
    this.beating = true;
    const begunAt = performance.now();
    try {
      const client = await this.connected();
      await client.query({
        text: `INSERT INTO send_workers (id, started_at, seen_at) VALUES ($1, now(), now()) ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
        values: [this.id],
      });
      this.lastBeatBegunAt = begunAt;
      if (this.beats++ % PRUNE_EVERY_BEATS === 0) {
        await client.query({ text: `DELETE FROM send_workers WHERE seen_at < now() - make_interval(secs => $1)`, values: [KEPT_SECONDS] });
      }
    } catch (error) {
      this.logger.warn(`Could not record that this process is alive (it sends nothing until it can): ${(error as Error).message}`);
      await this.dropClient(); // a new connection at the next beat
    } finally {
      this.beating = false;
    }
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const options = this.db.options as { readonly url?: string; readonly applicationName?: string };
    const client = new Client({
      connectionString: options.url,
      application_name: `${options.applicationName ?? 'herald'}-beat`,
      connectionTimeoutMillis: BEAT_TIMEOUT_MS,
      query_timeout: BEAT_TIMEOUT_MS,
      statement_timeout: BEAT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('error', () => undefined); // a broken connection fails the next beat, which replaces it
    this.client = client;
    try {
      await client.connect();
    } catch (error) {
      this.client = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
