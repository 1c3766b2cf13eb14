import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MAX_VALIDITY_SECONDS } from './send-policy.util';

/** How often a receiving process says it is up. */
export const STATUS_RECEIVER_BEAT_SECONDS = 10;
/** A receiver counts as up this long after its last heartbeat (two beats: one late beat is not an outage). */
const UP_AFTER_BEAT_SECONDS = 2 * STATUS_RECEIVER_BEAT_SECONDS;

/**
 * When Herald was able to receive the providers' status webhooks: each API process registers when it starts and
 * beats every STATUS_RECEIVER_BEAT_SECONDS (`status_receivers`). The in-doubt rule asks for these times to tell "no
 * status came because the provider never got the request" from "no status came because nobody was listening".
 * Rows older than any send can stay in doubt (the longest validity) are dropped as the receivers beat.
 */
@Injectable()
export class StatusReceivers {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A receiving process starts (or beats): it is up from `now()` on, until STATUS_RECEIVER_BEAT_SECONDS × 2 after its last beat. */
  async beat(id: string): Promise<void> {
    await this.db.query(
      `INSERT INTO status_receivers (id, started_at, seen_at) VALUES ($1, now(), now())
       ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [id],
    );
  }

  /** Old heartbeats go (called now and then by a receiving process). */
  async prune(): Promise<void> {
    await this.db.query(`DELETE FROM status_receivers WHERE seen_at < now() - make_interval(secs => $1)`, [MAX_VALIDITY_SECONDS + 86_400]);
  }

  /**
   * The times some receiver was up, as a Postgres `tstzmultirange` literal (`{}` when none ever was): the in-doubt
   * statements take it as a parameter, so their own library's SQL reads only its own tables.
   */
  async uptime(): Promise<string> {
    const rows: Array<{ up: string }> = await this.db.query(
      `SELECT COALESCE(range_agg(tstzrange(started_at, seen_at + make_interval(secs => $1))), '{}'::tstzmultirange)::text AS up
         FROM status_receivers`,
      [UP_AFTER_BEAT_SECONDS],
    );
    return rows[0]?.up ?? '{}';
  }
}
