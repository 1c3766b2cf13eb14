import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { rowsOf } from '@herald/database';
import type { DeliveryStatus } from './callbacks.types';

export interface NewEventRow {
  readonly id: string;
  readonly workspaceId: string;
  readonly type: string;
  readonly createdAt: Date;
  readonly body: string;
}

export interface NewDeliveryRow {
  readonly eventId: string;
  readonly eventType: string;
  readonly workspaceId: string;
  readonly endpointId: string | null;
  readonly url: string | null;
}

/** A delivery a worker claimed, with what it posts. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly url: string | null;
  /** The attempt this claim is (the outcome is recorded only if nobody claimed it again since). */
  readonly attempts: number;
  readonly pendingSince: Date;
  readonly body: string;
}

/** What one attempt came to. */
export interface DeliveryOutcome {
  readonly id: string;
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly nextAttemptAt: Date;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly response: string | null;
  readonly deliveredAt: Date | null;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  last_response: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date;
  delivered_at: Date | null;
  created_at: Date;
}

/** Where a walk over old events stands: the last event looked at (created_at as Postgres printed it: exact to the µs). */
export interface EventCursor {
  readonly createdAt: string;
  readonly id: string;
}

/** `id` is the bigint as text: an ORDER BY must name `callback_deliveries.id`, or it sorts the text ("8" after "22"). */
const LOG_COLUMNS = `id::text AS id, event_id, event_type, status, attempts, last_status_code, last_latency_ms, last_error, last_response,
  last_attempt_at, next_attempt_at, delivered_at, created_at`;

/** The outbox (`callback_events`) and the deliveries (`callback_deliveries`): the only SQL that touches them. */
/** Rows per statement of the bulk changes an API request makes (bulk redelivery, an endpoint's deletion). */
const BULK_BATCH = 10_000;

@Injectable()
export class CallbackDeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The events, in one statement (arrays unnested: one parameter per column whatever the count). */
  async insertEvents(events: readonly NewEventRow[], manager?: EntityManager): Promise<void> {
    if (events.length === 0) return;
    await (manager ?? this.dataSource).query(
      `INSERT INTO callback_events (id, workspace_id, type, created_at, body)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[])`,
      [
        events.map((e) => e.id),
        events.map((e) => e.workspaceId),
        events.map((e) => e.type),
        events.map((e) => e.createdAt.toISOString()),
        events.map((e) => e.body),
      ],
    );
  }

  /** The deliveries, due at `now`, in one statement; returns their ids in order. */
  async insertDeliveries(rows: readonly NewDeliveryRow[], now: Date, manager?: EntityManager): Promise<string[]> {
    if (rows.length === 0) return [];
    const inserted: Array<{ id: string }> = await (manager ?? this.dataSource).query(
      `INSERT INTO callback_deliveries (event_id, event_type, workspace_id, endpoint_id, url, status, next_attempt_at, pending_since, created_at)
       SELECT t.event_id, t.event_type, t.workspace_id, t.endpoint_id, t.url, 'pending', $6, $6, $6
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[]) AS t(event_id, event_type, workspace_id, endpoint_id, url)
       RETURNING id::text AS id`,
      [
        rows.map((r) => r.eventId),
        rows.map((r) => r.eventType),
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.endpointId),
        rows.map((r) => r.url),
        now,
      ],
    );
    return inserted.map((r) => r.id);
  }

  /**
   * Claims up to `limit` due deliveries of one target (an endpoint, or a workspace's per-send URLs), oldest due first,
   * skipping rows another worker is claiming. Each is leased: due again at `leaseUntil` unless its outcome is recorded
   * first, so a worker that dies loses nothing. One statement.
   */
  async claim(
    target: { endpointId: string } | { directWorkspaceId: string },
    now: Date,
    leaseUntil: Date,
    limit: number,
  ): Promise<ClaimedDelivery[]> {
    const [where, key] =
      'endpointId' in target
        ? ['d.endpoint_id = $1', target.endpointId]
        : ['d.workspace_id = $1 AND d.endpoint_id IS NULL', target.directWorkspaceId];
    const result: unknown = await this.dataSource.query(
      `UPDATE callback_deliveries d SET next_attempt_at = $3, attempts = d.attempts + 1, last_attempt_at = $2
         FROM (SELECT d.id FROM callback_deliveries d
                WHERE ${where} AND d.status = 'pending' AND d.next_attempt_at <= $2
                ORDER BY d.next_attempt_at LIMIT $4
                FOR UPDATE SKIP LOCKED) c, callback_events e
        WHERE d.id = c.id AND e.id = d.event_id
        RETURNING d.id::text AS id, d.event_id, d.event_type, d.url, d.attempts, d.pending_since, e.body`,
      [key, now, leaseUntil, limit],
    );
    return rowsOf<{
      id: string;
      event_id: string;
      event_type: string;
      url: string | null;
      attempts: number;
      pending_since: Date;
      body: string;
    }>(result).map((r) => ({
      id: r.id,
      eventId: r.event_id,
      eventType: r.event_type,
      url: r.url,
      attempts: r.attempts,
      pendingSince: r.pending_since,
      body: r.body,
    }));
  }

  /** Records a batch's outcomes in one statement; an outcome whose delivery was claimed again since is ignored. */
  async record(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `UPDATE callback_deliveries d SET status = u.status, next_attempt_at = u.next_attempt_at, last_status_code = u.code,
              last_latency_ms = u.latency, last_error = u.error, last_response = u.response, delivered_at = COALESCE(u.delivered_at, d.delivered_at)
         FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::int[], $7::text[], $8::text[], $9::timestamptz[])
              AS u(id, attempts, status, next_attempt_at, code, latency, error, response, delivered_at)
        WHERE d.id = u.id AND d.attempts = u.attempts AND d.status = 'pending'`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.attempts),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.nextAttemptAt.toISOString()),
        outcomes.map((o) => o.statusCode),
        outcomes.map((o) => o.latencyMs),
        outcomes.map((o) => o.error),
        outcomes.map((o) => o.response),
        outcomes.map((o) => o.deliveredAt?.toISOString() ?? null),
      ],
    );
  }

  /** An endpoint's delivery log, newest first, after the delivery `beforeId` when paging. */
  async log(
    workspaceId: string,
    endpointId: string,
    q: { status?: DeliveryStatus; eventType?: string; eventId?: string; beforeId?: string; limit: number },
  ): Promise<DeliveryRow[]> {
    return this.dataSource.query(
      `SELECT ${LOG_COLUMNS} FROM callback_deliveries
        WHERE endpoint_id = $1 AND workspace_id = $2
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR event_type = $4) AND ($5::uuid IS NULL OR event_id = $5)
          AND ($6::bigint IS NULL OR id < $6)
        ORDER BY callback_deliveries.id DESC LIMIT $7`,
      [endpointId, workspaceId, q.status ?? null, q.eventType ?? null, q.eventId ?? null, q.beforeId ?? null, q.limit],
    );
  }

  async one(workspaceId: string, endpointId: string, id: string): Promise<DeliveryRow | undefined> {
    const rows: DeliveryRow[] = await this.dataSource.query(
      `SELECT ${LOG_COLUMNS} FROM callback_deliveries WHERE id = $1 AND endpoint_id = $2 AND workspace_id = $3`,
      [id, endpointId, workspaceId],
    );
    return rows[0];
  }

  /** Due again now, with a fresh 24 h retry window (the event and its id are unchanged). */
  async redeliver(workspaceId: string, endpointId: string, id: string, now: Date): Promise<DeliveryRow | undefined> {
    const result: unknown = await this.dataSource.query(
      `UPDATE callback_deliveries SET status = 'pending', next_attempt_at = $4, pending_since = $4
        WHERE id = $1 AND endpoint_id = $2 AND workspace_id = $3
        RETURNING ${LOG_COLUMNS}`,
      [id, endpointId, workspaceId, now],
    );
    return rowsOf<DeliveryRow>(result)[0];
  }

  /** Every delivery of the endpoint in `status` created in [from, to): due again now. Returns how many. */
  async redeliverRange(
    workspaceId: string,
    endpointId: string,
    status: DeliveryStatus,
    from: Date,
    to: Date,
    now: Date,
  ): Promise<number> {
    // A batch per statement, each its own short transaction, until none is left: a long-dead endpoint may have
    // millions, and one statement for all would hold their locks for as long as it takes.
    let total = 0;
    for (;;) {
      const result: unknown = await this.dataSource.query(
        `WITH batch AS (
           SELECT id FROM callback_deliveries
            WHERE endpoint_id = $1 AND workspace_id = $2 AND status = $3 AND created_at >= $4 AND created_at < $5
            LIMIT $7 FOR UPDATE SKIP LOCKED),
         changed AS (
           UPDATE callback_deliveries d SET status = 'pending', next_attempt_at = $6, pending_since = $6
             FROM batch WHERE d.id = batch.id
           RETURNING 1)
         SELECT count(*)::int AS n FROM changed`,
        [endpointId, workspaceId, status, from, to, now, BULK_BATCH],
      );
      const n = rowsOf<{ n: number }>(result)[0]?.n ?? 0;
      total += n;
      if (n < BULK_BATCH) return total;
    }
  }

  /**
   * Retention: deletes up to `limit` finished deliveries (delivered or failed) last attempted before `before`, oldest
   * first, in one statement (idx_callback_deliveries_finished; the ids as an array, so the delete probes the primary
   * key: joined with the CTE, the planner, blind to its size, scanned the whole table each batch). Rows another transaction holds (a redelivery being
   * written, another purge) are skipped, and a row a redelivery made pending since the statement began is re-checked
   * under its lock and kept. Returns how many went.
   */
  async deleteFinishedBefore(before: Date, limit: number): Promise<number> {
    const result: unknown = await this.dataSource.query(
      `WITH doomed AS (
         SELECT id FROM callback_deliveries
          WHERE status <> 'pending' AND last_attempt_at < $1
          ORDER BY last_attempt_at LIMIT $2
          FOR UPDATE SKIP LOCKED),
       gone AS (
         DELETE FROM callback_deliveries d WHERE d.id = ANY(ARRAY(SELECT id FROM doomed)) AND d.status <> 'pending' RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit],
    );
    return rowsOf<{ n: number }>(result)[0]?.n ?? 0;
  }

  /**
   * Retention: looks at the next `limit` events created before `before`, in (created_at, id) order after `after`
   * (idx_callback_events_created), and deletes those no delivery names any more (idx_callback_deliveries_event). One
   * statement. `next` is where the walk goes on from, null when it reached the end. Only old events are looked at: a
   * producer writes an event and its deliveries in one transaction, so an event is never seen without its deliveries
   * while it is young.
   */
  async deleteOrphanEvents(
    before: Date,
    after: EventCursor | null,
    limit: number,
  ): Promise<{ scanned: number; deleted: number; next: EventCursor | null }> {
    const result: unknown = await this.dataSource.query(
      `WITH win AS (
         SELECT id, created_at FROM callback_events
          WHERE created_at < $1 AND (created_at, id) > ($2::timestamptz, $3::uuid)
          ORDER BY created_at, id LIMIT $4
          FOR UPDATE SKIP LOCKED),
       gone AS (
         DELETE FROM callback_events e
          WHERE e.id = ANY(ARRAY(SELECT id FROM win)) AND NOT EXISTS (SELECT 1 FROM callback_deliveries d WHERE d.event_id = e.id)
          RETURNING 1),
       last AS (SELECT created_at, id FROM win ORDER BY created_at DESC, id DESC LIMIT 1)
       SELECT (SELECT count(*)::int FROM win) AS scanned, (SELECT count(*)::int FROM gone) AS deleted,
              (SELECT created_at::text FROM last) AS last_at, (SELECT id::text FROM last) AS last_id`,
      [before, after?.createdAt ?? '-infinity', after?.id ?? '00000000-0000-0000-0000-000000000000', limit],
    );
    const row = rowsOf<{ scanned: number; deleted: number; last_at: string | null; last_id: string | null }>(result)[0]!;
    const next =
      row.scanned < limit || row.last_at === null || row.last_id === null ? null : { createdAt: row.last_at, id: row.last_id };
    return { scanned: row.scanned, deleted: row.deleted, next };
  }

  /**
   * An endpoint's deliveries go with it: a batch per statement, each its own short transaction, until none is
   * left (the endpoint row is gone first, so no new one is written meanwhile).
   */
  async deleteOfEndpoint(endpointId: string): Promise<void> {
    for (;;) {
      const result: unknown = await this.dataSource.query(
        `WITH gone AS (
           DELETE FROM callback_deliveries WHERE id = ANY(ARRAY(SELECT id FROM callback_deliveries WHERE endpoint_id = $1 LIMIT $2)) RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [endpointId, BULK_BATCH],
      );
      if ((rowsOf<{ n: number }>(result)[0]?.n ?? 0) < BULK_BATCH) return;
    }
  }
}
