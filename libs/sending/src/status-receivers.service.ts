import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';

/** How often a receiving process says it is up. */
export const STATUS_RECEIVER_BEAT_SECONDS = 10;
/** Statuses of a channel applied at most this far apart belong to one receipt period. */
const RECEIPT_PERIOD_GAP_SECONDS = 30;
/** A process records a channel's receipts at most this often. */
const RECEIPT_EVERY_MS = 5_000;
/** Nothing older matters: no send stays in doubt longer than the longest validity. */
const KEPT_SECONDS = MAX_VALIDITY_SECONDS + 86_400;

/** What the in-doubt rule needs to know of the receipt of statuses (IN_DOUBT_NEIGHBOURHOOD_SECONDS). */
export interface StatusReceipts {
  /** When some API process was up to receive webhooks: a Postgres `tstzmultirange` literal. */
  readonly uptime: string;
  /** Per channel, when its statuses were received and applied (`tstzmultirange` literals). */
  readonly channelIds: string[];
  readonly received: string[];
  /** When any channel's statuses were applied: speaks for a lone send, whose own channel had nothing else to bring. */
  readonly anyReceived: string;
}

/** Nothing in doubt: nothing to weigh. */
const NO_RECEIPTS: StatusReceipts = { uptime: '{}', channelIds: [], received: [], anyReceived: '{}' };

/**
 * When Herald was receiving the providers' status webhooks — the evidence the in-doubt rule weighs before sending a
 * send again whose status never came. Two records, both owned here:
 *  - `status_receivers`: each API process from its start to its last heartbeat (every STATUS_RECEIVER_BEAT_SECONDS;
 *    counted up to that beat only, so a send waits up to one beat longer for the evidence);
 *  - `status_receipts`: per channel, the periods in which statuses were applied (recorded by the worker applying them).
 * The in-doubt statements take both as parameters (`receipts()`), so their own library's SQL reads only its tables.
 */
@Injectable()
export class StatusReceivers {
  private readonly recorded = new Map<string, number>();

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
   * Statuses of these channels were just applied. At most every RECEIPT_EVERY_MS per channel and process: a period
   * is extended, or a new one begins after RECEIPT_PERIOD_GAP_SECONDS without.
   */
  async applied(channelIds: readonly string[]): Promise<void> {
    const now = Date.now();
    const due = [...new Set(channelIds)].filter((id) => (this.recorded.get(id) ?? 0) <= now - RECEIPT_EVERY_MS);
    if (due.length === 0) return;
    for (const id of due) this.recorded.set(id, now);
    await this.db.query(
      `WITH c AS (SELECT DISTINCT unnest($1::uuid[]) AS channel_id),
            extended AS (
              UPDATE status_receipts r SET to_at = now() FROM c
               WHERE r.channel_id = c.channel_id AND r.to_at >= now() - make_interval(secs => $2)
              RETURNING r.channel_id)
       INSERT INTO status_receipts (channel_id, from_at, to_at)
       SELECT channel_id, now(), now() FROM c WHERE channel_id NOT IN (SELECT channel_id FROM extended)`,
      [due, RECEIPT_PERIOD_GAP_SECONDS],
    );
  }

  /** Old heartbeats and receipts go (called now and then by a receiving process). */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM status_receivers WHERE seen_at < now() - make_interval(secs => $1)`, [KEPT_SECONDS]);
    await this.db.query(`DELETE FROM status_receipts WHERE to_at < now() - make_interval(secs => $1)`, [KEPT_SECONDS]);
  }

  /**
   * Everything the in-doubt statements weigh about the time from `since` (the oldest send in doubt) on, in one
   * read; nothing is read when nothing is in doubt.
   */
  async receipts(since: Date | null): Promise<StatusReceipts> {
    if (since === null) return NO_RECEIPTS;
    const [row] = (await this.db.query(
      // A receiver is up until its last heartbeat, no longer: it may have died just after it.
      `WITH since AS (SELECT $1::timestamptz - interval '1 second' AS t),
            channels AS (
              SELECT channel_id, range_agg(tstzrange(from_at, to_at, '[]')) AS periods FROM status_receipts, since
               WHERE to_at >= since.t GROUP BY channel_id)
       SELECT (SELECT COALESCE(range_agg(tstzrange(started_at, seen_at, '[]')), '{}') FROM status_receivers, since WHERE seen_at >= since.t)::text AS uptime,
              COALESCE((SELECT array_agg(channel_id ORDER BY channel_id) FROM channels), '{}') AS channel_ids,
              COALESCE((SELECT array_agg(periods::text ORDER BY channel_id) FROM channels), '{}') AS received,
              (SELECT COALESCE(range_agg(tstzrange(from_at, to_at, '[]')), '{}') FROM status_receipts, since WHERE to_at >= since.t)::text AS any_received`,
      [since],
    )) as Array<{ uptime: string; channel_ids: string[]; received: string[]; any_received: string }>;
    return { uptime: row!.uptime, channelIds: row!.channel_ids, received: row!.received, anyReceived: row!.any_received };
  }
}
