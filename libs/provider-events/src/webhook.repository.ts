import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { GroupWrite, rowsOf } from '@herald/database';

/** A NUL in JSON text: `\u0000` preceded by an even number of backslashes (in `\\u0000` the backslash is escaped). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * Bodies stored by one INSERT at most (3 parameters each, far under Postgres' 65,535), and INSERTs of bodies running
 * at once: while one commits, what arrives waits for the next, so the rows per commit grow with the load.
 */
const STORE_MAX_BODIES = 500;
const STORE_MAX_IN_FLIGHT = 2;

type WebhookToStore = { channelId: string; json: string; arrivedAt: Date };
export type StoredWebhook = { id: string } | { refused: 'not_json' | 'too_deep' };

/** Why Postgres refused a body, or undefined when the error is not about a body. */
function refusal(error: unknown): 'not_json' | 'too_deep' | undefined {
  const code = (error as { driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code;
  if (code === '22P02') return 'not_json'; // invalid input syntax for type json
  if (code === '54001') return 'too_deep'; // stack depth limit exceeded
  return undefined;
}

/** An event set aside (webhook_events_failed), as its channel's list shows it. */
export interface FailedWebhookRow {
  id: string;
  received_at: Date;
  failed_at: Date;
  error: string;
  body: unknown;
}

/** Stored provider events (verified webhook POSTs), from intake until a worker has applied them. */
@Injectable()
export class WebhookRepository {
  /** Webhook bodies on their way into webhook_events, a commit for those that arrive together (`store`). */
  private readonly intake = new GroupWrite<WebhookToStore, StoredWebhook | { failed: unknown }>((bodies) => this.storeTogether(bodies), {
    maxItems: STORE_MAX_BODIES,
    maxInFlight: STORE_MAX_IN_FLIGHT,
  });

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Stores a webhook body as received; Postgres checks it is JSON (a `json` column keeps the text), so the API
   * neither parses nor re-serialises it. Returns the event's id, or why it was refused: a body that is not JSON, or
   * nests deeper than Postgres reads JSON (thousands of levels: no provider's does). No text column of Postgres can
   * hold a NUL character, which JSON may carry as the escape \u0000 (in a customer's text, say): such a body is stored
   * with U+FFFD in its place rather than refused, since a refused webhook is retried by Meta and then dropped, and
   * the inbound message it carries could not be stored.
   *
   * Bodies that arrive together are stored by one INSERT and one commit (`GroupWrite`): a provider posts a status per
   * POST, thousands a second at a high rate. The caller's answer waits for that commit as before.
   */
  store(channelId: string, json: string, arrivedAt: Date): Promise<StoredWebhook> {
    return this.intake.add({ channelId, json: json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json, arrivedAt }).then((result) => {
      if ('failed' in result) throw result.failed;
      return result;
    });
  }

  /** One INSERT for them all; when Postgres refuses one body, each is stored alone, so only that one is refused. */
  private async storeTogether(bodies: WebhookToStore[]): Promise<Array<StoredWebhook | { failed: unknown }>> {
    if (bodies.length === 1) return [await this.storeAlone(bodies[0]!)];
    const values: string[] = [];
    const params: unknown[] = [];
    for (const body of bodies) {
      const n = params.push(body.channelId, body.json, body.arrivedAt);
      // Received when it arrived, not when the pool let it in: a webhook that came before a worker died must not
      // look as if it came after (StatusReceivers). Never later than Postgres' own now().
      values.push(`($${n - 2}::uuid, $${n - 1}::json, LEAST(now(), $${n}::timestamptz))`);
    }
    let rows: Array<{ id: string }>;
    try {
      rows = await this.dataSource.query(`INSERT INTO webhook_events (channel_id, body, received_at) VALUES ${values.join(', ')} RETURNING id`, params);
    } catch (error) {
      if (refusal(error) === undefined) throw error;
      const results: Array<StoredWebhook | { failed: unknown }> = [];
      for (const body of bodies) results.push(await this.storeAlone(body));
      return results;
    }
    // Identities are drawn in the order of the VALUES list; sorted, the ids answer the bodies in order.
    return rows
      .map((row) => BigInt(row.id))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((id) => ({ id: id.toString() }));
  }

  private async storeAlone(body: WebhookToStore): Promise<StoredWebhook | { failed: unknown }> {
    try {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        'INSERT INTO webhook_events (channel_id, body, received_at) VALUES ($1, $2::json, LEAST(now(), $3::timestamptz)) RETURNING id',
        [body.channelId, body.json, body.arrivedAt],
      );
      return { id: rows[0]!.id };
    } catch (error) {
      const refused = refusal(error);
      return refused === undefined ? { failed: error } : { refused };
    }
  }

  /** Stores an event Herald made itself (a retry of statuses that came before their send was recorded). */
  async storeOwn(manager: EntityManager, channelId: string, body: unknown): Promise<string> {
    const rows = (await manager.query('INSERT INTO webhook_events (channel_id, body, own) VALUES ($1, $2::json, true) RETURNING id', [channelId, JSON.stringify(body)])) as Array<{
      id: string;
    }>;
    return rows[0]!.id;
  }

  /**
   * Takes this event and up to `limit` others waiting (oldest first) for this transaction, deleting them:
   * they are applied exactly once, by whoever commits. Events another worker holds are skipped.
   */
  async claim(
    manager: EntityManager,
    eventId: string,
    limit: number,
  ): Promise<Array<{ id: string; channel_id: string; body: unknown; own: boolean; replayed: boolean; received_at: Date }>> {
    // Both parts go through the primary key, so a claim costs the same whatever the backlog (an `id = $1 OR id IN
    // (…)` read the whole table: 4–5 ms per claim at 10,000 waiting), and the scan goes on past events other jobs
    // hold, so concurrent jobs take distinct batches instead of racing for the same 50.
    return manager.query(
      `WITH own AS (SELECT id FROM webhook_events WHERE id = $1 FOR UPDATE SKIP LOCKED),
            more AS (SELECT id FROM webhook_events WHERE id <> $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
            claimed AS (
              DELETE FROM webhook_events w USING (SELECT id FROM own UNION ALL SELECT id FROM more) p WHERE w.id = p.id
              RETURNING w.id, w.channel_id, w.body, w.own, w.replayed, w.received_at)
       SELECT * FROM claimed ORDER BY id`,
      [eventId, limit],
    );
  }

  /**
   * Events set aside (their table holds only what could not be applied: small, so counted), and how long the oldest
   * event still waiting has waited (by the index on received_at; 0 when none waits).
   */
  async backlog(): Promise<{ failed: number; oldestWaitingSeconds: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM webhook_events_failed)::int AS failed,
              COALESCE(EXTRACT(EPOCH FROM now() - (SELECT min(received_at) FROM webhook_events)), 0)::float8 AS oldest`,
    )) as Array<{ failed: number; oldest: number }>;
    return { failed: row!.failed, oldestWaitingSeconds: Math.max(0, row!.oldest) };
  }

  /** The ids `claim(…, eventId, limit)` would take now, oldest first, without taking them (nothing is locked). */
  async peek(eventId: string, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM webhook_events WHERE id = $1
       UNION
       (SELECT id FROM webhook_events WHERE id <> $1 ORDER BY id LIMIT $2)
       ORDER BY id`,
      [eventId, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Moves the event `eventId` to webhook_events_failed with why; false when it is no longer waiting (applied or set
   * aside by another worker meanwhile).
   */
  async setAside(eventId: string, error: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH moved AS (DELETE FROM webhook_events WHERE id = $1 RETURNING id, channel_id, body, received_at, own)
       INSERT INTO webhook_events_failed (id, channel_id, body, received_at, error, own)
       SELECT id, channel_id, body, received_at, $2, own FROM moved
       RETURNING id`,
      [eventId, error.slice(0, 2_000)],
    );
    return rows.length > 0;
  }

  /** A channel's events set aside, newest first (`beforeId`: those set aside before it, for the next page). */
  async failedOf(channelId: string, q: { beforeId?: string; limit: number }): Promise<FailedWebhookRow[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, received_at, failed_at, error, body FROM webhook_events_failed
        WHERE channel_id = $1 AND ($2::bigint IS NULL OR id < $2)
        ORDER BY webhook_events_failed.id DESC LIMIT $3`,
      [channelId, q.beforeId ?? null, q.limit],
    );
  }

  /**
   * Moves a set-aside event of the channel back to the events waiting to be applied, under its own id, received now
   * (the age /metrics reports is of this wait) and marked `replayed` (it is no receipt of the provider's webhooks).
   * False when the channel has no such event.
   */
  async putBack(channelId: string, id: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH moved AS (DELETE FROM webhook_events_failed WHERE id = $1 AND channel_id = $2 RETURNING id, channel_id, body, own)
       INSERT INTO webhook_events (id, channel_id, body, own, replayed) OVERRIDING SYSTEM VALUE
       SELECT id, channel_id, body, own, true FROM moved
       RETURNING id`,
      [id, channelId],
    );
    return rows.length > 0;
  }

  /** Deletes a set-aside event of the channel; false when it has none by that id. */
  async discard(channelId: string, id: string): Promise<boolean> {
    return rowsOf(await this.dataSource.query('DELETE FROM webhook_events_failed WHERE id = $1 AND channel_id = $2 RETURNING id', [id, channelId])).length > 0;
  }

  /** Deletes the events set aside before `before`; how many. */
  async purgeFailed(before: Date): Promise<number> {
    return rowsOf(await this.dataSource.query('DELETE FROM webhook_events_failed WHERE failed_at < $1 RETURNING id', [before])).length;
  }

  /**
   * No JIT for the rest of this transaction: a batch of thousands of statuses is estimated above jit_above_cost, and
   * compiling took 40–75 ms, more than running the statements.
   */
  async withoutJit(manager: EntityManager): Promise<void> {
    await manager.query('SET LOCAL jit = off');
  }

  /** Events older than `seconds` still waiting: their job was probably lost. */
  async waiting(seconds: number, limit = 1_000): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM webhook_events WHERE received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
      [seconds, limit],
    );
    return rows.map((r) => r.id);
  }
}
