import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';
import { SEND_WORKER_GONE_SECONDS } from './send-workers.service';

/** How often a receiving process says it is up. */
export const STATUS_RECEIVER_BEAT_SECONDS = 10;
/** Webhooks of a channel received at most this far apart belong to one receipt period. */
const RECEIPT_PERIOD_GAP_SECONDS = 2;
/** A process writes the receipts it has seen at most this often (the rest wait for the next write, not lost). */
const RECEIPT_EVERY_MS = 1_000;
/** Nothing older matters: no send stays in doubt longer than the longest validity. */
const KEPT_SECONDS = MAX_VALIDITY_SECONDS + 86_400;

/** What the in-doubt rule needs to know of the receipt of webhooks (IN_DOUBT_NEIGHBOURHOOD_SECONDS). */
export interface StatusReceipts {
  /** When some API process was up to receive webhooks: a Postgres `tstzmultirange` literal. */
  readonly uptime: string;
  /** Per channel, when its webhooks were received (`tstzmultirange` literals). */
  readonly channelIds: string[];
  readonly received: string[];
  /** When any channel's webhooks were received (the statements' first cut: no send is released without some). */
  readonly anyReceived: string;
  /**
   * Per platform (a channel's type: whatsapp, messenger, instagram, telegram), when its channels' webhooks were
   * received: speaks for a lone send of that platform, whose own channel had nothing else to bring. Receipts written
   * before platforms were recorded belong to none.
   */
  readonly platforms: string[];
  readonly platformReceived: string[];
  /** The platform of each channel with sends in doubt (as the caller gave them; null: unknown, e.g. deleted). */
  readonly sendChannelIds: string[];
  readonly sendChannelPlatforms: Array<string | null>;
  /**
   * The sending workers: from when each was surely gone (its last beat + SEND_WORKER_GONE_SECONDS), or null while
   * it is alive. A send claimed by a worker not listed is held (its beat was never recorded).
   */
  readonly workerIds: string[];
  readonly workersGoneAt: Array<string | null>;
}

/** Nothing in doubt: nothing to weigh. */
const NO_RECEIPTS: StatusReceipts = {
  uptime: '{}',
  channelIds: [],
  received: [],
  anyReceived: '{}',
  platforms: [],
  platformReceived: [],
  sendChannelIds: [],
  sendChannelPlatforms: [],
  workerIds: [],
  workersGoneAt: [],
};

/** A channel's webhooks received in one period, not yet written. */
interface Pending {
  from: Date;
  to: Date;
}

/**
 * Adds a receipt to a channel's periods: into the one it is within RECEIPT_PERIOD_GAP_SECONDS of (joining two it
 * bridges), else as a period of its own — never widening one across a longer gap (a batch may hold the backlog from
 * before an outage and the webhooks after it).
 */
function addReceipt(periods: Pending[], at: Date): void {
  const gap = RECEIPT_PERIOD_GAP_SECONDS * 1_000;
  const t = at.getTime();
  const near = periods.filter((p) => t >= p.from.getTime() - gap && t <= p.to.getTime() + gap);
  if (near.length === 0) {
    periods.push({ from: at, to: at });
    return;
  }
  const [into, ...bridged] = near as [Pending, ...Pending[]];
  for (const p of [...bridged, { from: at, to: at }]) {
    if (p.from < into.from) into.from = p.from;
    if (p.to > into.to) into.to = p.to;
  }
  for (const p of bridged) periods.splice(periods.indexOf(p), 1);
}

/**
 * When Herald was receiving the providers' webhooks — the evidence the in-doubt rule weighs before sending a send
 * again whose status never came. Two records, both owned here:
 *  - `status_receivers`: each API process from its start to its last heartbeat (every STATUS_RECEIVER_BEAT_SECONDS;
 *    counted up to that beat only, so a send waits up to one beat longer for the evidence);
 *  - `status_receipts`: per channel, the periods in which its webhooks were *received* by the API (the time each was
 *    stored, not when a worker applied it: a backlog applied after a worker died says nothing of after its death).
 * With `send_workers` (SendWorkers) the in-doubt statements take them as parameters (`receipts()`), so their own
 * library's SQL reads only its tables.
 */
@Injectable()
export class StatusReceivers implements OnApplicationShutdown {
  private readonly logger = new Logger(StatusReceivers.name);
  /** Per channel, the periods received since the last write (apart by more than RECEIPT_PERIOD_GAP_SECONDS). */
  private readonly pending = new Map<string, Pending[]>();
  /** The platform of each channel pending (a channel's never changes). */
  private readonly platformOf = new Map<string, string | null>();
  private lastWrite = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A receiving process starts (or beats): it was up from its start until now. */
  async beat(id: string): Promise<void> {
    await this.db.query(
      `INSERT INTO status_receivers (id, started_at, seen_at) VALUES ($1, now(), now())
       ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [id],
    );
  }

  /**
   * Webhooks of these channels (of these platforms), received (stored by the API) at these times, were just applied. Written at once
   * when the last write is RECEIPT_EVERY_MS old, else with the next write (at most RECEIPT_EVERY_MS later): a period
   * is extended, or a new one begins after RECEIPT_PERIOD_GAP_SECONDS without. A write that fails is dropped (less
   * evidence holds sends in doubt longer, never the other way).
   */
  async received(receipts: ReadonlyArray<{ channelId: string; platform: string | null; at: Date }>): Promise<void> {
    for (const { channelId, platform, at } of receipts) {
      const periods = this.pending.get(channelId);
      if (!periods) {
        this.pending.set(channelId, [{ from: at, to: at }]);
        this.platformOf.set(channelId, platform);
      } else addReceipt(periods, at);
    }
    if (this.pending.size === 0 || this.timer) return;
    const wait = this.lastWrite + RECEIPT_EVERY_MS - Date.now();
    if (wait <= 0) return this.write();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, wait);
    this.timer.unref();
  }

  /** Writes what is pending now (the process stops, or a spec wants it written). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    await this.write();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush().catch(() => undefined);
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending].flatMap(([channelId, periods]) => periods.map((p) => [channelId, p] as const));
    const platforms = batch.map(([id]) => this.platformOf.get(id) ?? null);
    this.pending.clear();
    this.platformOf.clear();
    this.lastWrite = Date.now();
    this.writing = this.db
      .query(
        // Each period extends a row it touches (within the gap) or becomes one; one that touches a row another
        // period of the batch extended is written as a row of its own (range_agg joins them when read).
        `WITH v AS (SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $5::text[]) WITH ORDINALITY AS v(channel_id, from_at, to_at, platform, n)),
              extended AS (
                UPDATE status_receipts r SET from_at = LEAST(r.from_at, v.from_at), to_at = GREATEST(r.to_at, v.to_at),
                       platform = COALESCE(r.platform, v.platform) FROM v
                 WHERE r.channel_id = v.channel_id
                   AND r.to_at >= v.from_at - make_interval(secs => $4) AND r.from_at <= v.to_at + make_interval(secs => $4)
                RETURNING v.n)
         INSERT INTO status_receipts (channel_id, from_at, to_at, platform)
         SELECT channel_id, from_at, to_at, platform FROM v WHERE n NOT IN (SELECT n FROM extended)`,
        [batch.map(([id]) => id), batch.map(([, p]) => p.from), batch.map(([, p]) => p.to), RECEIPT_PERIOD_GAP_SECONDS, platforms],
      )
      .then(
        () => undefined,
        (error: Error) => this.logger.warn(`the receipt of webhooks was not recorded: ${error.message}`),
      );
    await this.writing;
  }

  /** Old heartbeats and receipts go (called now and then by a receiving process). */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM status_receivers WHERE seen_at < now() - make_interval(secs => $1)`, [KEPT_SECONDS]);
    await this.db.query(`DELETE FROM status_receipts WHERE to_at < now() - make_interval(secs => $1)`, [KEPT_SECONDS]);
  }

  /**
   * Everything the in-doubt statements weigh about the time from `since` (the oldest send in doubt) on, in one
   * read; nothing is read when nothing is in doubt. `channels`: the channels with sends in doubt and their
   * platforms, handed back for the statements (a lone send's evidence is its platform's webhooks).
   */
  async receipts(since: Date | null, channels: ReadonlyArray<{ id: string; platform: string | null }> = []): Promise<StatusReceipts> {
    if (since === null) return NO_RECEIPTS;
    const [row] = (await this.db.query(
      // A receiver is up until its last heartbeat, no longer: it may have died just after it. A worker is gone
      // SEND_WORKER_GONE_SECONDS after its last beat; one seen since then is alive (null).
      `WITH since AS (SELECT $1::timestamptz - interval '1 second' AS t),
            channels AS (
              SELECT channel_id, range_agg(tstzrange(from_at, to_at, '[]')) AS periods FROM status_receipts, since
               WHERE to_at >= since.t GROUP BY channel_id),
            platforms AS (
              SELECT platform, range_agg(tstzrange(from_at, to_at, '[]')) AS periods FROM status_receipts, since
               WHERE to_at >= since.t AND platform IS NOT NULL GROUP BY platform),
            workers AS (
              SELECT id, CASE WHEN seen_at + make_interval(secs => $2) <= now() THEN seen_at + make_interval(secs => $2) END AS gone_at
                FROM send_workers, since WHERE seen_at >= since.t - make_interval(secs => $2))
       SELECT (SELECT COALESCE(range_agg(tstzrange(started_at, seen_at, '[]')), '{}') FROM status_receivers, since WHERE seen_at >= since.t)::text AS uptime,
              COALESCE((SELECT array_agg(channel_id ORDER BY channel_id) FROM channels), '{}') AS channel_ids,
              COALESCE((SELECT array_agg(periods::text ORDER BY channel_id) FROM channels), '{}') AS received,
              (SELECT COALESCE(range_agg(tstzrange(from_at, to_at, '[]')), '{}') FROM status_receipts, since WHERE to_at >= since.t)::text AS any_received,
              COALESCE((SELECT array_agg(platform ORDER BY platform) FROM platforms), '{}') AS platforms,
              COALESCE((SELECT array_agg(periods::text ORDER BY platform) FROM platforms), '{}') AS platform_received,
              COALESCE((SELECT array_agg(id ORDER BY id) FROM workers), '{}') AS worker_ids,
              COALESCE((SELECT array_agg(gone_at::text ORDER BY id) FROM workers), '{}') AS workers_gone_at`,
      [since, SEND_WORKER_GONE_SECONDS],
    )) as Array<{
      uptime: string;
      channel_ids: string[];
      received: string[];
      any_received: string;
      platforms: string[];
      platform_received: string[];
      worker_ids: string[];
      workers_gone_at: Array<string | null>;
    }>;
    return {
      uptime: row!.uptime,
      channelIds: row!.channel_ids,
      received: row!.received,
      anyReceived: row!.any_received,
      platforms: row!.platforms,
      platformReceived: row!.platform_received,
      sendChannelIds: channels.map((c) => c.id),
      sendChannelPlatforms: channels.map((c) => c.platform),
      workerIds: row!.worker_ids,
      workersGoneAt: row!.workers_gone_at,
    };
  }
}
