import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MESSAGE_STATUSES, rankSql } from './message-status.util';

/** One status from a webhook, scoped to the workspace of the channel it came through. */
export interface StatusRow {
  workspaceId: string;
  providerMessageId: string;
  callbackData: string | null;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date;
  error: object | null;
}

export interface InboundRow {
  workspaceId: string;
  channelId: string;
  providerMessageId: string;
  fromNumber: string;
  contactId: string | null;
  type: string;
  text: string | null;
  payload: string | null;
  contextProviderMessageId: string | null;
  receivedAt: Date;
}

export interface AppliedStatuses {
  matched: number;
  updated: number;
  /** Failures reported in this batch (whatever the message's status became), with the code and the contact. */
  failed: Array<{ contactId: string; code: string }>;
}

const STATUS_ARRAY = `ARRAY[${MESSAGE_STATUSES.map((s) => `'${s}'`).join(',')}]::text[]`;

/** Stored webhook events and their set-based application to messages. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async store(channelId: string, body: unknown): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query('INSERT INTO webhook_events (channel_id, body) VALUES ($1, $2::jsonb) RETURNING id', [
      channelId,
      JSON.stringify(body),
    ]);
    return rows[0]!.id;
  }

  /**
   * Takes this event and up to `limit` others waiting (oldest first) for this transaction, deleting them:
   * they are applied exactly once, by whoever commits. Events another worker holds are skipped.
   */
  async claim(manager: EntityManager, eventId: string, limit: number): Promise<Array<{ id: string; channel_id: string; body: unknown }>> {
    return manager.query(
      `WITH claimed AS (
         DELETE FROM webhook_events WHERE id IN (
           SELECT id FROM webhook_events
            WHERE id = $1 OR id IN (SELECT id FROM webhook_events ORDER BY id LIMIT $2)
            FOR UPDATE SKIP LOCKED)
         RETURNING id, channel_id, body)
       SELECT * FROM claimed ORDER BY id`,
      [eventId, limit],
    );
  }

  /** Events older than `seconds` still waiting: their job was probably lost. */
  async waiting(seconds: number, limit = 1_000): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM webhook_events WHERE received_at < now() - make_interval(secs => $1) ORDER BY id LIMIT $2`,
      [seconds, limit],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Applies statuses in one statement. Each message is matched by the provider's id, else by our own id
   * echoed as callback data; its status only moves forward, each step keeps its first time, and a failure
   * is recorded only when the message ends failed. Duplicates and reordering change nothing.
   */
  async applyStatuses(manager: EntityManager, rows: StatusRow[]): Promise<AppliedStatuses> {
    if (rows.length === 0) return { matched: 0, updated: 0, failed: [] };
    const result: Array<{ id: string; contact_id: string; status: string; code: string | null; changed: boolean }> = await manager.query(
      `WITH s AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::jsonb[])
           AS s(workspace_id, wamid, callback, status, at, error)),
       matched AS (
         SELECT s.*, COALESCE(
                  (SELECT m.id FROM messages m WHERE m.provider_message_id = s.wamid AND m.workspace_id = s.workspace_id),
                  (SELECT m.id FROM messages m
                    WHERE s.callback ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                      AND m.id = s.callback::uuid AND m.workspace_id = s.workspace_id)) AS message_id
           FROM s),
       agg AS (
         SELECT message_id, min(wamid) AS wamid,
                min(at) FILTER (WHERE status = 'sent') AS sent_at,
                min(at) FILTER (WHERE status = 'delivered') AS delivered_at,
                min(at) FILTER (WHERE status = 'read') AS read_at,
                min(at) FILTER (WHERE status = 'failed') AS failed_at,
                (array_agg(error ORDER BY at DESC) FILTER (WHERE status = 'failed'))[1] AS error,
                max(${rankSql('status')}) AS top
           FROM matched WHERE message_id IS NOT NULL GROUP BY message_id),
       next AS (
         SELECT agg.*, m.status AS old_status,
                CASE WHEN agg.top > ${rankSql('m.status')} THEN (${STATUS_ARRAY})[agg.top] ELSE m.status END AS new_status
           FROM agg JOIN messages m ON m.id = agg.message_id ORDER BY agg.message_id FOR UPDATE OF m),
       updated AS (
         UPDATE messages m SET
                provider_message_id = COALESCE(m.provider_message_id, next.wamid),
                sent_at = COALESCE(m.sent_at, next.sent_at),
                delivered_at = COALESCE(m.delivered_at, next.delivered_at),
                read_at = COALESCE(m.read_at, next.read_at),
                failed_at = COALESCE(m.failed_at, next.failed_at),
                error = CASE WHEN next.new_status = 'failed' AND next.error IS NOT NULL THEN next.error ELSE m.error END,
                status = next.new_status,
                updated_at = now()
           FROM next WHERE m.id = next.message_id
         RETURNING m.id, m.contact_id, m.status, next.error->>'code' AS code, next.old_status IS DISTINCT FROM next.new_status AS changed)
       SELECT * FROM updated`,
      [
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.providerMessageId),
        rows.map((r) => r.callbackData),
        rows.map((r) => r.status),
        rows.map((r) => r.at),
        rows.map((r) => (r.error === null ? null : JSON.stringify(r.error))),
      ],
    );
    return {
      matched: result.length,
      updated: result.filter((r) => r.changed).length,
      failed: result.filter((r) => r.code !== null).map((r) => ({ contactId: r.contact_id, code: r.code! })),
    };
  }

  /** Stores inbound messages once each, linking replies to the message they answer. Returns the new ones. */
  async insertInbound(manager: EntityManager, rows: InboundRow[]): Promise<Array<{ id: string; contact_id: string | null; text: string | null }>> {
    if (rows.length === 0) return [];
    return manager.query(
      `WITH added AS (
       INSERT INTO inbound_messages (workspace_id, channel_id, provider_message_id, from_number, contact_id, type, text, payload,
                                     context_provider_message_id, reply_to_message_id, received_at)
       SELECT i.workspace_id, i.channel_id, i.wamid, i.from_number, i.contact_id, i.type, i.text, i.payload, i.context,
              (SELECT m.id FROM messages m WHERE m.provider_message_id = i.context AND m.workspace_id = i.workspace_id), i.at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
           AS i(workspace_id, channel_id, wamid, from_number, contact_id, type, text, payload, context, at)
       ON CONFLICT (channel_id, provider_message_id) DO NOTHING
       RETURNING id, contact_id, text)
       SELECT * FROM added`,
      [
        rows.map((r) => r.workspaceId),
        rows.map((r) => r.channelId),
        rows.map((r) => r.providerMessageId),
        rows.map((r) => r.fromNumber),
        rows.map((r) => r.contactId),
        rows.map((r) => r.type),
        rows.map((r) => r.text),
        rows.map((r) => r.payload),
        rows.map((r) => r.contextProviderMessageId),
        rows.map((r) => r.receivedAt),
      ],
    );
  }
}
